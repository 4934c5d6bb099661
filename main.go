// Command qpyhub takes QuecPython cellular modules onto Azure IoT Hub.
// Without arguments it opens the window; with a command it runs that command.
package main

import (
	"os"

	// Must initialize before Fyne reads the locale: see its package doc.
	_ "early.qpyhub/localeinit"

	"qpyhub/app"
)

func main() {
	os.Exit(app.Run(os.Args[1:]))
}
