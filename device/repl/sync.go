package repl

import (
	"bytes"
	"context"
	"time"
)

const (
	friendlyPrompt = ">>> "
	rawBanner      = "raw REPL; CTRL-B to exit\r\n>"
	syncAttempts   = 4
	quietGap       = 150 * time.Millisecond // silence that means "done printing"
	quietMax       = 1500 * time.Millisecond
)

// Sync brings the module from any state (raw REPL left by another tool,
// a running main.py, a half-typed line, a boot in progress) to the raw
// REPL prompt, ready for Exec.
func (s *Session) Sync(ctx context.Context) error {
	if err := s.begin(); err != nil {
		return err
	}
	defer s.end()
	return s.sync(ctx)
}

func (s *Session) sync(ctx context.Context) error {
	s.mode = modeUnknown
	if err := s.interrupt(ctx); err != nil {
		return err
	}
	return s.enterRaw(ctx)
}

// Interrupt stops whatever runs on the module (Ctrl-C) and waits for the
// friendly prompt.
func (s *Session) Interrupt(ctx context.Context) error {
	if err := s.begin(); err != nil {
		return err
	}
	defer s.end()
	s.mode = modeUnknown
	return s.interrupt(ctx)
}

// interrupt sends Ctrl-C until the friendly prompt shows and the line is
// quiet. The firmware drops everything but Ctrl-C while code runs, so
// nothing else is sent before the prompt. Silence may mean the raw REPL
// (where Ctrl-C prints nothing): Ctrl-B then leads to the friendly REPL.
func (s *Session) interrupt(ctx context.Context) error {
	sawOutput := false
	for attempt := 0; attempt < syncAttempts; attempt++ {
		for _, key := range []byte{ctrlC, ctrlB} {
			if err := s.write([]byte{key}); err != nil {
				return err
			}
			out, settled, err := s.in.quiet(ctx, quietGap, quietMax)
			if err != nil {
				return err
			}
			sawOutput = sawOutput || len(out) > 0
			if settled && bytes.HasSuffix(out, []byte(friendlyPrompt)) {
				return nil
			}
			if !settled {
				break // still printing: interrupt again
			}
		}
	}
	if sawOutput {
		return ErrNotStopping
	}
	return ErrNoAnswer
}

// enterRaw goes from the friendly prompt to the raw REPL prompt.
func (s *Session) enterRaw(ctx context.Context) error {
	s.in.discard()
	if err := s.write([]byte{ctrlA}); err != nil {
		return err
	}
	if _, err := s.in.until(ctx, time.Now().Add(s.opts.AnswerTimeout), []byte(rawBanner), "raw REPL prompt"); err != nil {
		return err
	}
	s.mode = modeRaw
	return nil
}
