// Package zhcheck holds a test that opens every screen in Simplified
// Chinese and fails on English text left on it. It is a package of its own
// because Fyne's language is chosen once per process.
package zhcheck
