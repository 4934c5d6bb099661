package cli

import (
	"flag"
	"strings"
	"time"

	"fyne.io/fyne/v2/lang"
)

// moduleFlags are the flags of the commands that talk to one module over
// its REPL port (probe, fs).
type moduleFlags struct {
	port    string
	timeout time.Duration
}

// register adds --port, and --timeout with the command's own default
// and meaning.
func (m *moduleFlags) register(fs *flag.FlagSet, timeout time.Duration, timeoutUsage string) {
	fs.StringVar(&m.port, "port", "", lang.L("serial port of the module's REPL, for example /dev/ttyUSB2 or COM5 (see qpyhub ports)"))
	fs.DurationVar(&m.timeout, "timeout", timeout, timeoutUsage)
}

// check refuses a missing port and a time limit that would end at once.
func (m *moduleFlags) check() error {
	if strings.TrimSpace(m.port) == "" {
		return badArg("--port", lang.L("is missing: name the module's REPL port (qpyhub ports lists them)"))
	}
	return checkPositive("--timeout", m.timeout, "10s")
}

// checkPositive refuses a time limit of zero or less, which would end
// the wait before it starts.
func checkPositive(flagName string, d time.Duration, example string) error {
	if d <= 0 {
		return badArg(flagName, lang.L("must be longer than zero, for example {{.Example}}", map[string]any{"Example": example}))
	}
	return nil
}
