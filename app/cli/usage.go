package cli

import (
	"fmt"
	"io"
	"text/tabwriter"

	"fyne.io/fyne/v2/lang"
)

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
