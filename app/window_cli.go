//go:build cli

package app

import (
	"fmt"
	"os"

	"fyne.io/fyne/v2/lang"
)

// openWindow answers that this build has no window: it was built with the
// "cli" tag, for machines without a display.
func openWindow(string) int {
	fmt.Fprintln(os.Stderr, "qpyhub: "+lang.L("this build has the commands only, without the window; run qpyhub --help for the commands, or use the full build for the window"))
	return 2
}
