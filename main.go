// Command qpyhub takes QuecPython cellular modules onto Azure IoT Hub.
// Without arguments it opens the window; with a command it runs that command.
package main

import (
	"os"

	"qpyhub/app"
)

func main() {
	os.Exit(app.Run(os.Args[1:]))
}
