package cli

import (
	"fmt"
	"io"
	"os"
	"time"

	"qpyhub/device/ports"
)

// world is what the commands reach outside the process, so that tests can
// hand them buffers, an environment and a list of ports of their own.
type world struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	lookupEnv      func(string) (string, bool)
	now            func() time.Time
	listPorts      func() ([]ports.Port, error)
}

// osWorld is the real one: the process's streams and environment, the
// clock and the serial ports of this computer.
func osWorld() world {
	return world{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, lookupEnv: os.LookupEnv, now: time.Now, listPorts: ports.List}
}

// env is the value of an environment variable, "" when it is not set.
func (w world) env(name string) string {
	v, _ := w.lookupEnv(name)
	return v
}

// call is one run of a command: the name every line it prints to stderr
// starts with ("qpyhub fs: " for every fs action), and its world.
type call struct {
	name string
	world
}

// note prints one line to stderr that does not end the command: a
// warning, or why an event ended a session.
func (c *call) note(text string) {
	fmt.Fprintln(c.stderr, "qpyhub "+c.name+": "+text)
}

// fail prints one line for a failure, rendered by failureLine.
func (c *call) fail(err error) { c.note(failureLine(err)) }

// failAbout prints one line for the failure of one of several things the
// command works on (a port of a setup --restore), named first.
func (c *call) failAbout(what string, err error) { c.note(what + ": " + failureLine(err)) }
