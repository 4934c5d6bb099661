package ui

import (
	"context"

	"qpyhub/device/ports"
	"qpyhub/ui/console"
	"qpyhub/ui/devices"
	"qpyhub/ui/module"
	"qpyhub/ui/setup"
	"qpyhub/ui/updates"
	"qpyhub/ui/widgets"
)

// Services is what the screens need from the outside world, as small
// interfaces; the window passes the real ones, tests pass fakes.
type Services struct {
	// Sessions opens device sessions for the console.
	Sessions console.DeviceSessionFactory
	// LocalHub is the in-process hub; nil when it did not start, and
	// LocalHubErr says why. The Setup screen takes its policies from it
	// when it also is a setup.LocalHubPolicy.
	LocalHub    console.LocalHub
	LocalHubErr error

	// Ports, Checker, Files and Terminal reach modules on their REPL ports.
	Ports    PortWatcher
	Checker  module.Checker
	Files    module.Files
	Terminal ReplTerminal

	// Setup takes modules through the guided setup; when it is also a
	// setup.Restorer, the Setup screen offers to undo a setup.
	Setup setup.Runner

	// Fleet opens the hub the Devices screen shows; nil offers none.
	Fleet devices.FleetSource

	// Updates opens bundles and hubs for the Updates screen; nil offers
	// none.
	Updates updates.Services

	// KeyStore remembers the keys the user asks to remember, in the OS
	// credential store; nil offers no remembering.
	KeyStore widgets.KeyStore

	// Version is the program version shown on the About screen.
	Version string
	// Diagnostics backs the About screen's log and diagnostics buttons;
	// nil hides them.
	Diagnostics Diagnostics
}

// Diagnostics is what a technician sends along with a problem report.
type Diagnostics interface {
	// LogFolder is the folder holding the app's log files.
	LogFolder() string
	// Text describes the app and the machine, with no key or token in it.
	Text() string
}

// PortWatcher follows the serial ports of this computer.
type PortWatcher interface {
	// Watch sends the port list at once and again whenever it changes;
	// the channel closes when ctx ends.
	Watch(ctx context.Context) <-chan []ports.Port
}

// ReplTerminal opens the module's REPL for a person to type into.
type ReplTerminal interface {
	// Open takes the port until the session is closed.
	Open(ctx context.Context, port string) (TerminalSession, error)
}

// TerminalSession is an open REPL, passed through as bytes.
type TerminalSession interface {
	// Write sends typed bytes to the module as they are.
	Write(p []byte) error
	// Output delivers what the module prints; it closes after Close or
	// when the port goes away (Err then says why).
	Output() <-chan []byte
	// Err is why Output closed: nil after Close.
	Err() error
	// Interrupt stops a running program (Ctrl-C).
	Interrupt() error
	// SoftReset restarts the interpreter (Ctrl-C, then Ctrl-D), so
	// /usr/main.py runs as after power-up.
	SoftReset() error
	// Close gives the port back.
	Close()
}
