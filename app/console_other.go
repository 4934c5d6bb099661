//go:build !windows

package app

// attachParentConsole is needed only on Windows, where the GUI build has no
// console of its own.
func attachParentConsole() {}
