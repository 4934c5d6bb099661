// Package ota ships a new version of an application's files to modules:
// a bundle (the files and a manifest of their sizes and SHA-256 digests),
// the files hosted where modules can fetch them over HTTPS, the desired
// twin property that asks each module for the version, and the reported
// one each module answers with while the library on it downloads,
// verifies and applies the files (assets/module/qpyhub_ota.py).
//
// Like app/provision it is where device and cloud meet, and it holds no
// widgets: the command line and the window share it.
package ota
