// Package blobstore puts update files in an Azure Storage account's Blob
// container and hands out read-only, expiring SAS URLs for them, so that
// modules download over HTTPS without any credential of their own. It
// speaks through Microsoft's azblob SDK; Azurite, Microsoft's emulator,
// stands in for Azure in the tests (blobtest).
//
// The account key is used to sign, here, on the PC: it never appears in
// an error, a log or a URL this package returns.
//
// This package must never import Fyne or the device package.
package blobstore
