package repl

import (
	"bytes"
	"context"
	"io"
	"sync"
	"time"
)

// maxInbox bounds what is kept while nobody reads: a chatty program can
// print for ever, only the newest bytes matter for finding a prompt.
const maxInbox = 1 << 20

// inbox collects what the module sends, filled by one reader goroutine,
// so every wait can have a deadline and a context.
type inbox struct {
	mu      sync.Mutex
	buf     []byte
	err     error         // set once: the port is gone or closed
	changed chan struct{} // closed and replaced whenever buf or err changes
	sink    func([]byte)  // set while a terminal owns the output
	gone    chan struct{} // closed with err
}

func newInbox() *inbox {
	return &inbox{changed: make(chan struct{}), gone: make(chan struct{})}
}

// run reads the port until it fails; failure turns into mkErr(err).
func (in *inbox) run(r io.Reader, mkErr func(error) error) {
	chunk := make([]byte, 4096)
	for {
		n, err := r.Read(chunk)
		if n > 0 {
			in.add(bytes.Clone(chunk[:n]))
		}
		if err != nil {
			in.fail(mkErr(err))
			return
		}
	}
}

func (in *inbox) add(b []byte) {
	in.mu.Lock()
	if sink := in.sink; sink != nil {
		in.mu.Unlock()
		sink(b)
		return
	}
	in.buf = append(in.buf, b...)
	if over := len(in.buf) - maxInbox; over > 0 {
		in.buf = append(in.buf[:0], in.buf[over:]...)
	}
	in.wake()
	in.mu.Unlock()
}

func (in *inbox) fail(err error) {
	in.mu.Lock()
	defer in.mu.Unlock()
	if in.err != nil {
		return
	}
	in.err = err
	close(in.gone)
	in.wake()
}

// wake must be called with mu held.
func (in *inbox) wake() {
	close(in.changed)
	in.changed = make(chan struct{})
}

func (in *inbox) failure() error {
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.err
}

// discard drops what has arrived so far.
func (in *inbox) discard() {
	in.mu.Lock()
	in.buf = in.buf[:0]
	in.mu.Unlock()
}

// take removes and answers everything buffered.
func (in *inbox) take() []byte {
	in.mu.Lock()
	defer in.mu.Unlock()
	b := bytes.Clone(in.buf)
	in.buf = in.buf[:0]
	return b
}

// until waits for marker and answers everything up to and including it.
// It gives up at the deadline with a *TimeoutError naming step.
func (in *inbox) until(ctx context.Context, deadline time.Time, marker []byte, step string) ([]byte, error) {
	return in.wait(ctx, deadline, step, func(buf []byte) int {
		if i := bytes.Index(buf, marker); i >= 0 {
			return i + len(marker)
		}
		return -1
	})
}

// next waits for n bytes and answers them.
func (in *inbox) next(ctx context.Context, deadline time.Time, n int, step string) ([]byte, error) {
	return in.wait(ctx, deadline, step, func(buf []byte) int {
		if len(buf) >= n {
			return n
		}
		return -1
	})
}

// wait blocks until match answers a length >= 0 over the buffer, then
// removes and answers that many bytes.
func (in *inbox) wait(ctx context.Context, deadline time.Time, step string, match func([]byte) int) ([]byte, error) {
	timer := time.NewTimer(time.Until(deadline))
	defer timer.Stop()
	for {
		in.mu.Lock()
		if n := match(in.buf); n >= 0 {
			got := bytes.Clone(in.buf[:n])
			in.buf = append(in.buf[:0], in.buf[n:]...)
			in.mu.Unlock()
			return got, nil
		}
		if in.err != nil {
			err := in.err
			in.mu.Unlock()
			return nil, err
		}
		changed := in.changed
		in.mu.Unlock()
		select {
		case <-changed:
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-timer.C:
			return nil, &TimeoutError{Step: step, Got: string(tail(in.peek(), 80))}
		}
	}
}

// quiet collects output until none arrived for gap, until done (when
// not nil) accepts what arrived, or until max has passed. settled
// reports whether the line went quiet or done accepted it.
func (in *inbox) quiet(ctx context.Context, gap, max time.Duration, done func([]byte) bool) (out []byte, settled bool, err error) {
	end := time.Now().Add(max)
	for {
		in.mu.Lock()
		out = append(out, in.buf...)
		in.buf = in.buf[:0]
		failed := in.err
		changed := in.changed
		in.mu.Unlock()
		if failed != nil {
			return out, false, failed
		}
		if done != nil && done(out) {
			return out, true, nil
		}
		left := time.Until(end)
		if left <= 0 {
			return out, false, nil
		}
		timer := time.NewTimer(min(gap, left))
		select {
		case <-changed:
			timer.Stop()
		case <-ctx.Done():
			timer.Stop()
			return out, false, ctx.Err()
		case <-timer.C:
			if gap <= left {
				return out, true, nil
			}
		}
	}
}

func (in *inbox) peek() []byte {
	in.mu.Lock()
	defer in.mu.Unlock()
	return bytes.Clone(in.buf)
}

// pending reports whether bytes are waiting.
func (in *inbox) pending() bool {
	in.mu.Lock()
	defer in.mu.Unlock()
	return len(in.buf) > 0
}

// setSink routes output to sink (nil: back to the buffer). Buffered
// bytes go to the new sink first.
func (in *inbox) setSink(sink func([]byte)) []byte {
	in.mu.Lock()
	defer in.mu.Unlock()
	in.sink = sink
	if sink == nil {
		return nil
	}
	b := bytes.Clone(in.buf)
	in.buf = in.buf[:0]
	return b
}

func tail(b []byte, n int) []byte {
	if len(b) > n {
		return b[len(b)-n:]
	}
	return b
}
