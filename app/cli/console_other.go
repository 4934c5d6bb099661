//go:build !windows

package cli

// attachParentConsole is needed only on Windows, where the GUI build has no
// console of its own.
func attachParentConsole() {}
