package repl

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// Options tune a session; the zero value suits QuecPython modules.
type Options struct {
	ExecTimeout   time.Duration // longest Exec when ctx has no deadline; default 30 s
	AnswerTimeout time.Duration // longest wait for a protocol answer; default 3 s
	// ChunkSize is the firmware's input buffer (256 bytes on QuecPython):
	// the most bytes sent before the firmware acknowledged them, when it
	// offers no raw-paste; default 256, at least 64.
	ChunkSize       int
	DisableRawPaste bool // never try raw-paste
	// BaudRate of the port; default 115200. It matters only behind a
	// USB-to-serial adapter on the module's main UART, not over its own USB.
	BaudRate int
}

func (o Options) withDefaults() Options {
	if o.ExecTimeout <= 0 {
		o.ExecTimeout = 30 * time.Second
	}
	if o.AnswerTimeout <= 0 {
		o.AnswerTimeout = 3 * time.Second
	}
	if o.ChunkSize <= 0 {
		o.ChunkSize = 256
	}
	// A staged piece needs room for its command and one escaped byte.
	o.ChunkSize = max(o.ChunkSize, minChunkSize)
	if o.BaudRate <= 0 {
		o.BaudRate = defaultBaudRate
	}
	return o
}

// Control characters of the REPL.
const (
	ctrlA = 0x01 // raw REPL
	ctrlB = 0x02 // friendly REPL
	ctrlC = 0x03 // interrupt
	ctrlD = 0x04 // end of code; soft reset
	ctrlE = 0x05 // raw-paste request (with "A\x01")
)

type mode int

const (
	modeUnknown mode = iota
	modeRaw          // at the raw REPL prompt, ready for code
)

// rawPaste is what is known about the firmware's raw-paste support.
type rawPaste int

const (
	pasteUntried rawPaste = iota
	pasteYes
	pasteNo
)

// Session is an open REPL port. Its methods may be called from several
// goroutines; they run one at a time.
type Session struct {
	path string
	port port
	opts Options
	in   *inbox

	op    sync.Mutex // held by each operation and by an open terminal
	mode  mode
	paste rawPaste
	// dataWindow is the most bytes of one data command without
	// raw-paste (0: one input buffer); windowLocked stops it growing
	// after a piece came incomplete (window.go).
	dataWindow   int
	windowLocked bool
	closing      atomic.Bool
	term         atomic.Pointer[Terminal] // the open terminal, if any
	writeMu      sync.Mutex               // orders a write's deadlines with its context's end

	readerDone chan struct{}
}

// minChunkSize is the smallest input buffer a session works with.
const minChunkSize = 64

// defaultBaudRate is what QuecPython tools use; over USB CDC it is ignored.
const defaultBaudRate = 115200

// Open opens the REPL port at path (8N1 at opts.BaudRate; the rate does not
// matter on USB). It does not touch the module: Sync or Exec do.
func Open(ctx context.Context, path string, opts Options) (*Session, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	port, err := openPort(path, opts.withDefaults().BaudRate)
	if err != nil {
		return nil, err
	}
	s := &Session{
		path:       path,
		port:       port,
		opts:       opts.withDefaults(),
		in:         newInbox(),
		readerDone: make(chan struct{}),
	}
	go func() {
		defer close(s.readerDone)
		s.in.run(port, s.classify)
	}()
	return s, nil
}

// OpenError means the port could not be opened.
type OpenError struct {
	Path string
	Err  error
}

// PhraseOpen is OpenError's constant English sentence.
const PhraseOpen = "the module's port cannot be opened: check the port name and that no other program (QPYcom) has it open"

func (e *OpenError) Error() string {
	if inUse := e.inUse(); inUse != nil {
		return inUse.Error()
	}
	return fmt.Sprintf("%s (%s: %v)", PhraseOpen, e.Path, e.Err)
}

// Phrase is the constant English sentence, for translation.
func (e *OpenError) Phrase() string {
	if e.inUse() != nil {
		return PhraseInUse
	}
	return PhraseOpen
}

// Advice is "": the phrase names the next step.
func (e *OpenError) Advice() string { return "" }

func (e *OpenError) inUse() *InUseError {
	var inUse *InUseError
	if errors.As(e.Err, &inUse) {
		return inUse
	}
	return nil
}

func (e *OpenError) Unwrap() error { return e.Err }

func (s *Session) isClosing() bool { return s.closing.Load() }

// classify turns a port error into ErrClosed after Close, else a
// *PortError.
func (s *Session) classify(err error) error {
	if closedPort(err) && s.isClosing() {
		return ErrClosed
	}
	return &PortError{Path: s.path, Err: err}
}

// Path is the port this session uses.
func (s *Session) Path() string { return s.path }

// begin takes the session for one operation.
func (s *Session) begin() error {
	if !s.op.TryLock() {
		return ErrBusy
	}
	if err := s.in.failure(); err != nil {
		s.op.Unlock()
		return err
	}
	return nil
}

func (s *Session) end() { s.op.Unlock() }

// Close leaves the module in the friendly REPL, so QPYcom or a person can
// use it next, and closes the port.
func (s *Session) Close() error {
	if t := s.term.Load(); t != nil {
		t.Release()
	}
	s.op.Lock()
	defer s.op.Unlock()
	if s.closing.Load() {
		return nil
	}
	if s.in.failure() == nil && s.mode == modeRaw {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		// The first bytes of the answer say the firmware took Ctrl-B;
		// the banner after them need not be awaited (a next session
		// knows it when it sees it).
		s.in.discard()
		if s.write(ctx, []byte{ctrlB}) == nil {
			s.in.until(ctx, time.Now().Add(time.Second), []byte("\r\n"), "friendly REPL")
		}
		cancel()
	}
	s.closing.Store(true)
	err := s.port.Close()
	// The port wakes its reader on Close; the bound is for ports of other
	// systems, whose reader may only return with the next byte.
	select {
	case <-s.readerDone:
	case <-time.After(readerGrace):
	}
	return err
}

// readerGrace bounds Close's wait for the reader goroutine.
const readerGrace = 2 * time.Second
