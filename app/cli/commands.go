package cli

import (
	"context"
	"io"
)

// command is one sub-command of the qpyhub binary. run returns the process
// exit status: 0 success, 1 the operation failed, 2 bad arguments.
type command struct {
	name    string
	summary string // English source text; translated through lang when shown
	run     func(ctx context.Context, args []string, stdout, stderr io.Writer) int
}

// commands lists every sub-command, in the order --help shows them.
func commands() []command {
	return []command{
		{"ports", "List serial ports and find the module's REPL port", runPorts},
		{"probe", "Check the module: SIM, signal, network, data call", runProbe},
		{"sas", "Make SAS credentials, or decode a token", runSAS},
		{"hubsim", "Run a local IoT Hub and DPS for tests and demos", runHubsim},
		{"monitor", "Connect as the device and print what the cloud sends", runMonitor},
		{"send", "Send one telemetry message as the device", runSend},
		{"fs", "List, copy and remove files on the module", runFS},
		{"setup", "Set up modules: check, identity, credentials, write, verify", runSetup},
	}
}

// Phrases lists the English texts this package sends through lang.L by
// way of a variable (command summaries, fixed phrases), so a test can
// check that each one is translated.
func Phrases() []string {
	out := []string{phraseLocalRead, phraseLocalWrite}
	for _, c := range commands() {
		out = append(out, c.summary)
	}
	return out
}

// Names lists the commands, in the order --help shows them.
func Names() []string {
	var out []string
	for _, c := range commands() {
		out = append(out, c.name)
	}
	return out
}
