package cli

import (
	"flag"
	"fmt"
	"io"

	"fyne.io/fyne/v2/lang"
)

// printCommandHelp answers a command's --help on w: the usage line, what
// the command does (already translated), then its flags.
func printCommandHelp(w io.Writer, fs *flag.FlagSet, usage string, about ...string) {
	fmt.Fprintln(w, lang.L("Usage:"))
	fmt.Fprintln(w, "  "+usage)
	for _, line := range about {
		fmt.Fprintln(w, line)
	}
	fs.SetOutput(w)
	fs.PrintDefaults()
}
