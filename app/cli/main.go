package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"fyne.io/fyne/v2/lang"

	"qpyhub/app/settings"
)

// version is the program version --version prints; Main sets it.
var version = "dev"

// Main runs the command named by args[0] with the rest of args and
// returns the process exit status. Commands speak the language chosen on
// the Settings screen too; a preferences file that cannot be read leaves
// the system's language.
func Main(args []string, programVersion string) int {
	version = programVersion
	attachParentConsole()
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
		fmt.Fprintln(stdout, "qpyhub", version)
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
