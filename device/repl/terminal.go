package repl

import (
	"context"
	"sync"
)

// terminalBacklog bounds the output chunks waiting for the screen; when it
// is full the port is simply not read until the screen catches up.
const terminalBacklog = 64

// Terminal hands the port to a person: bytes typed go to the module as
// they are, and everything the module prints comes out of Output. Exec
// and the other calls wait (ErrBusy) until Release.
type Terminal struct {
	s    *Session
	out  chan []byte
	done chan struct{} // closed by Release

	mu      sync.Mutex // orders deliveries with the closing of out
	ended   bool
	partial []byte // an incomplete UTF-8 sequence held for the next chunk
	once    sync.Once
	release sync.Once
	closed  chan struct{} // closed when out is closed
}

// Terminal switches the session to passthrough. The module is left in
// the friendly REPL when the session was in the raw REPL.
func (s *Session) Terminal(ctx context.Context) (*Terminal, error) {
	if err := s.begin(); err != nil {
		return nil, err
	}
	if s.mode == modeRaw {
		if err := s.write(ctx, []byte{ctrlB}); err != nil {
			s.end()
			return nil, err
		}
	}
	s.mode = modeUnknown
	t := &Terminal{
		s:      s,
		out:    make(chan []byte, terminalBacklog),
		done:   make(chan struct{}),
		closed: make(chan struct{}),
	}
	s.term.Store(t)
	if early := s.in.setSink(t.deliver); len(early) > 0 {
		t.deliver(early)
	}
	go func() {
		select {
		case <-s.in.gone:
			t.finish()
		case <-t.done:
		}
	}()
	return t, nil
}

func (t *Terminal) deliver(b []byte) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.ended {
		return
	}
	if len(t.partial) > 0 {
		b = append(t.partial[:len(t.partial):len(t.partial)], b...) // fresh array
	}
	b, t.partial = splitUTF8(b)
	if len(b) == 0 {
		return
	}
	select {
	case t.out <- b:
	case <-t.done:
	}
}

// finish closes Output once; deliveries in flight end first.
func (t *Terminal) finish() {
	t.once.Do(func() {
		t.mu.Lock()
		t.ended = true
		close(t.out)
		close(t.closed)
		t.mu.Unlock()
	})
}

// Output delivers what the module prints, never splitting a UTF-8
// character across chunks. It is closed after Release or when the port
// goes away (then Err says why).
func (t *Terminal) Output() <-chan []byte { return t.out }

// Err answers why Output closed: nil after Release, else the port error.
func (t *Terminal) Err() error {
	select {
	case <-t.done:
		return nil
	default:
		return t.s.in.failure()
	}
}

// Write sends typed bytes to the module as they are.
func (t *Terminal) Write(p []byte) (int, error) {
	select {
	case <-t.done:
		return 0, ErrClosed
	default:
	}
	if err := t.s.write(context.Background(), p); err != nil {
		return 0, err
	}
	return len(p), nil
}

// Release gives the session back for Exec; the next Exec synchronises
// again since the person may have left the module in any state.
func (t *Terminal) Release() {
	t.release.Do(func() {
		close(t.done) // unblocks a delivery waiting for the screen
		t.s.in.setSink(nil)
		t.finish()
		t.s.term.CompareAndSwap(t, nil)
		t.s.end()
	})
}
