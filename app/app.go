// Package app is qpyhub's composition root: with no arguments it opens the
// window (app/desktop), with a command it runs the command line (app/cli).
// A build with the "cli" tag leaves the window out, so the binary needs no
// display libraries and builds with CGO_ENABLED=0.
package app

import (
	"qpyhub/app/cli"
	"qpyhub/app/settings"
)

// Version is the program version, set at build time with
// -ldflags "-X qpyhub/app.Version=…".
var Version = "0.1.0-dev"

// Run starts qpyhub with the arguments that follow the program name and
// returns the process exit status.
func Run(args []string) int {
	settings.LoadTranslations()
	if len(args) == 0 {
		return openWindow(Version)
	}
	return cli.Main(args, Version)
}
