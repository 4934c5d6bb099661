//go:build !cli

package app

import "qpyhub/app/desktop"

// openWindow opens the main window and returns when it is closed.
func openWindow(version string) int { return desktop.Run(version) }
