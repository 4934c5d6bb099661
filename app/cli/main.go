// Package cli is qpyhub's command line: one table of commands
// (commands.go), one file a command, and one frame (frame.go) that gives
// every command the same edges: flags anywhere, help on stdout, a bad
// argument as one line with exit 2, a failure as one line with exit 1.
// Every failure is worded by one function (failureLine, failure.go).
// It imports nothing of Fyne but its translations and nothing of the
// window, so it builds alone into the static commands-only binary.
package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"text/tabwriter"

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
	return dispatch(ctx, osWorld(), args)
}

// dispatch runs the command named by args[0] through the frame.
func dispatch(ctx context.Context, w world, args []string) int {
	switch args[0] {
	case "-h", "-help", "--help", "help":
		printUsage(w.stdout)
		return 0
	case "-version", "--version", "version":
		fmt.Fprintln(w.stdout, "qpyhub", version)
		return 0
	}
	for _, c := range commands() {
		if c.name == args[0] {
			return c.exec(ctx, w, args[1:])
		}
	}
	fmt.Fprintln(w.stderr, lang.L("Unknown command {{.Name}}: run qpyhub --help for the list.", map[string]any{"Name": quote(args[0])}))
	return 2
}

// printUsage answers qpyhub --help: the commands, one line each.
func printUsage(w io.Writer) {
	fmt.Fprintln(w, lang.L("qpyhub takes QuecPython modules onto Azure IoT Hub."))
	fmt.Fprintln(w)
	fmt.Fprintln(w, lang.L("Usage:"))
	fmt.Fprintln(w, "  qpyhub                 "+lang.L("open the window"))
	fmt.Fprintln(w, "  qpyhub <command> [flags]")
	fmt.Fprintln(w)
	fmt.Fprintln(w, lang.L("Commands:"))
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for _, c := range commands() {
		fmt.Fprintf(tw, "  %s\t%s\n", c.name, lang.L(c.summary))
	}
	tw.Flush()
	fmt.Fprintln(w)
	fmt.Fprintln(w, lang.L("Run qpyhub <command> --help for the flags of a command."))
}
