// Package app wires qpyhub together: it reads the command line and either
// runs a sub-command or opens the window. It is the only package that imports
// fyne.io/fyne/v2/app, and the one place where device and cloud meet (the
// setup pipeline).
package app

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"qpyhub/app/settings"

	"fyne.io/fyne/v2/lang"
)

// Run starts qpyhub with the arguments that follow the program name and
// returns the process exit status.
func Run(args []string) int {
	settings.LoadTranslations()
	if len(args) == 0 {
		return runWindow()
	}
	attachParentConsole()
	// Commands speak the language chosen on the Settings screen too. A
	// preferences file that cannot be read leaves the system's language.
	if prefs, err := settings.OpenPreferences(); err == nil {
		settings.ApplyLanguage(prefs)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	defer stop()
	return dispatch(ctx, args, os.Stdout, os.Stderr)
}

// dispatch runs the sub-command named by args[0].
func dispatch(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	switch args[0] {
	case "-h", "-help", "--help", "help":
		printUsage(stdout)
		return 0
	case "-version", "--version", "version":
		fmt.Fprintln(stdout, "qpyhub", Version)
		return 0
	}
	for _, c := range commands() {
		if c.name == args[0] {
			return c.run(ctx, args[1:], stdout, stderr)
		}
	}
	fmt.Fprintln(stderr, lang.L("Unknown command {{.Name}}: run qpyhub --help for the list.", map[string]any{"Name": quote(args[0])}))
	return 2
}

// quote shows a user-typed word safely in one line of output.
func quote(s string) string {
	if len(s) > 40 {
		s = s[:40] + "…"
	}
	return fmt.Sprintf("%q", s)
}
