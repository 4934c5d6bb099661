package ui

import (
	"context"
	"errors"
	"io"

	"qpyhub/device/modfs"
	"qpyhub/device/ports"
	"qpyhub/device/probe"
)

// PortWatcher follows the serial ports of this computer.
type PortWatcher interface {
	// Watch sends the port list at once and again whenever it changes;
	// the channel closes when ctx ends.
	Watch(ctx context.Context) <-chan []ports.Port
}

// ModuleChecker runs the module check on a REPL port.
type ModuleChecker interface {
	Check(ctx context.Context, port string) (probe.Report, error)
}

// ModuleFiles manages the files of the module on a REPL port. Each call
// takes the port for its own duration.
type ModuleFiles interface {
	List(ctx context.Context, port, dir string) ([]modfs.Entry, error)
	// Put uploads size bytes from r to dst; progress may be nil.
	Put(ctx context.Context, port, dst string, r io.Reader, size int64, progress modfs.Progress) error
	// Get downloads src into w and answers how many bytes it wrote.
	Get(ctx context.Context, port, src string, w io.Writer, progress modfs.Progress) (int64, error)
	Remove(ctx context.Context, port, path string) error
	Mkdir(ctx context.Context, port, path string) error
	// Run executes a script and answers what it printed; a script that
	// raised answers its traceback in stderr together with an error.
	Run(ctx context.Context, port, path string) (stdout, stderr string, err error)
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

// Errors the module services answer when the port is taken; the screens
// show them with what to do.
var (
	ErrTerminalHoldsPort = errors.New("the terminal is using this port: disconnect it first")
	ErrPortBusy          = errors.New("another operation is using this port: wait until it finishes")
	ErrNoModulePort      = errors.New("no module port is selected")
)
