package repl

import (
	"errors"
	"fmt"
	"os"
	"time"

	"go.bug.st/serial"
)

// port is the byte stream to the module. A pending Read returns once
// Close is called, and a Write gives up at its deadline, whatever other
// programs do with the same port: no wait on a port is unbounded.
type port interface {
	Read(p []byte) (int, error)
	Write(p []byte) (int, error)
	// SetWriteDeadline bounds the Writes that follow; a port that cannot
	// bound them answers nil and blocks as the system does.
	SetWriteDeadline(t time.Time) error
	// DropInput discards what the system holds of the module's output
	// that nobody read yet.
	DropInput() error
	Close() error
}

// errDeadline is what a Write that passed its deadline wraps.
var errDeadline = os.ErrDeadlineExceeded

// closedPort reports whether err is a read ending because the port was
// closed on this side.
func closedPort(err error) bool {
	var pe *serial.PortError
	return errors.Is(err, os.ErrClosed) || errors.As(err, &pe) && pe.Code() == serial.PortClosed
}

// PhraseInUse is InUseError's constant English sentence.
const PhraseInUse = "the module's port is in use by another program: close that program or wait until it finishes, then try again"

// InUseError means another program holds the port: another qpyhub (it
// holds qpyhub's lock on the port) or a program that opened it for
// itself alone. Open answers it inside an *OpenError.
type InUseError struct {
	Path    string
	PID     int    // the holder's process id, 0 when not found
	Program string // the holder's name, when known
	Qpyhub  bool   // the holder has qpyhub's lock: another qpyhub, or a window of this one
}

func (e *InUseError) Error() string {
	holder := "another program"
	switch {
	case e.PID > 0 && e.Program != "":
		holder = fmt.Sprintf("another program (pid %d, %s)", e.PID, e.Program)
	case e.PID > 0:
		holder = fmt.Sprintf("another program (pid %d)", e.PID)
	case e.Qpyhub:
		holder = "another qpyhub"
	}
	return fmt.Sprintf("the module's port is in use by %s: close that program or wait until it finishes, then try again (%s)", holder, e.Path)
}

// Phrase is the constant English sentence, for translation.
func (e *InUseError) Phrase() string { return PhraseInUse }

// Advice is "": the phrase names the next step.
func (e *InUseError) Advice() string { return "" }
