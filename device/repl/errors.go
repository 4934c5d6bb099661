package repl

import (
	"errors"
	"fmt"
)

// ErrPortGone is the cause of every call after the module's port closed
// under the session (cable pulled, module reset into download mode).
var ErrPortGone = errors.New("the module's port closed: check the USB cable, then reconnect")

// ErrClosed is returned by calls on a session that was closed.
var ErrClosed = errors.New("the connection to the module was closed: open it again")

// ErrNotStopping means Ctrl-C does not stop the program on the module.
var ErrNotStopping = errors.New("the program on the module does not stop on Ctrl-C: reset the module (reset key or power), then try again")

// ErrNoAnswer means nothing came back on the port at all.
var ErrNoAnswer = errors.New("the module does not answer on this port: check that it is the REPL port and that the module is powered")

// ErrBusy means another operation (often an open terminal) holds the
// session.
var ErrBusy = errors.New("the connection to the module is busy: close the terminal, then try again")

// PortError wraps ErrPortGone with the port and the system error.
type PortError struct {
	Path string
	Err  error // the read or write error from the system
}

func (e *PortError) Error() string {
	return fmt.Sprintf("%s (%s: %v)", ErrPortGone.Error(), e.Path, e.Err)
}

// Phrase is the constant English sentence, for translation.
func (e *PortError) Phrase() string { return ErrPortGone.Error() }

// Advice is "": the phrase names the next step.
func (e *PortError) Advice() string { return "" }

func (e *PortError) Unwrap() []error { return []error{ErrPortGone, e.Err} }

// TimeoutError means the module did not answer within the time allowed.
type TimeoutError struct {
	Step string // what was being waited for, e.g. "raw REPL prompt"
	Got  string // the last bytes that did arrive, for the log
}

// PhraseTimeout is TimeoutError's constant English sentence.
const PhraseTimeout = "the module did not answer in time: check the port, then try again"

func (e *TimeoutError) Error() string {
	return fmt.Sprintf("%s (waiting for %s, got %q)", PhraseTimeout, e.Step, e.Got)
}

// Phrase is the constant English sentence, for translation.
func (e *TimeoutError) Phrase() string { return PhraseTimeout }

// Advice is "": the phrase names the next step.
func (e *TimeoutError) Advice() string { return "" }

// ProtocolError means the module answered something the REPL protocol
// does not allow: often another program is using the port.
type ProtocolError struct {
	Step string
	Got  string
}

// PhraseProtocol is ProtocolError's constant English sentence.
const PhraseProtocol = "the module answered something unexpected: close other programs that use the port (QPYcom, a terminal), then try again"

func (e *ProtocolError) Error() string {
	return fmt.Sprintf("%s (%s: %q)", PhraseProtocol, e.Step, e.Got)
}

// Phrase is the constant English sentence, for translation.
func (e *ProtocolError) Phrase() string { return PhraseProtocol }

// Advice is "": the phrase names the next step.
func (e *ProtocolError) Advice() string { return "" }

// PythonError is an exception raised by code run on the module.
type PythonError struct {
	Type      string // e.g. "OSError"
	Message   string // e.g. "[Errno 2] ENOENT"
	Errno     int    // for OSError with an errno, else 0
	Traceback string // the whole stderr text
}

// PhrasePython is PythonError's constant English sentence.
const PhrasePython = "the code on the module raised an exception"

func (e *PythonError) Error() string {
	if e.Message == "" {
		return PhrasePython + ": " + e.Type
	}
	return PhrasePython + ": " + e.Type + ": " + e.Message
}

// Phrase is the constant English sentence, for translation.
func (e *PythonError) Phrase() string { return PhrasePython }

// Advice is "": the next step depends on the exception, which Error tells.
func (e *PythonError) Advice() string { return "" }

// Phrases lists every constant English sentence of this package's
// errors, so the application can check that each one is translated.
func Phrases() []string {
	return []string{
		ErrPortGone.Error(), ErrClosed.Error(), ErrNotStopping.Error(), ErrNoAnswer.Error(), ErrBusy.Error(),
		PhraseTimeout, PhraseProtocol, PhrasePython, PhraseOpen, PhraseInUse,
	}
}
