package repl

import (
	"bytes"
	"context"
	"errors"
	"time"
)

const (
	friendlyPrompt = ">>> "
	rawBanner      = "raw REPL; CTRL-B to exit\r\n>"
	syncAttempts   = 4
	quietGap       = 150 * time.Millisecond // silence that means "done printing"
	quietMax       = 1500 * time.Millisecond
	maxQuietGap    = 2400 * time.Millisecond // the longest silence waited for, on a slow line
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
// Each round waits longer for quiet, so a slow line is not taken for a
// program that will not stop; while the module prints, rounds go on
// until ctx's deadline. A silent port, or no deadline, gets syncAttempts
// rounds.
func (s *Session) interrupt(ctx context.Context) error {
	end, bounded := ctx.Deadline()
	sawOutput := false
	for round := 0; round < syncAttempts || bounded && sawOutput; round++ {
		gap := min(quietGap<<round, maxQuietGap)
		for _, key := range []byte{ctrlC, ctrlB} {
			limit := max(quietMax, 4*gap)
			if bounded {
				limit = min(limit, time.Until(end))
			}
			if limit <= 0 {
				return interruptFailure(sawOutput)
			}
			if err := s.write(ctx, []byte{key}); err != nil {
				return deadlineAsFailure(err, sawOutput)
			}
			out, settled, err := s.in.quiet(ctx, gap, limit)
			sawOutput = sawOutput || len(out) > 0
			if err != nil {
				return deadlineAsFailure(err, sawOutput)
			}
			if settled && bytes.HasSuffix(out, []byte(friendlyPrompt)) {
				return nil
			}
			if !settled {
				break // still printing: interrupt again
			}
		}
	}
	return interruptFailure(sawOutput)
}

// interruptFailure says why no prompt came.
func interruptFailure(sawOutput bool) error {
	if sawOutput {
		return ErrNotStopping
	}
	return ErrNoAnswer
}

// deadlineAsFailure turns the end of the time allowed into what was seen
// until then; a cancel or a port failure stays as it is.
func deadlineAsFailure(err error, sawOutput bool) error {
	if errors.Is(err, context.DeadlineExceeded) {
		return interruptFailure(sawOutput)
	}
	return err
}

// enterRaw goes from the friendly prompt to the raw REPL prompt.
func (s *Session) enterRaw(ctx context.Context) error {
	s.in.discard()
	if err := s.write(ctx, []byte{ctrlA}); err != nil {
		return err
	}
	if _, err := s.in.until(ctx, time.Now().Add(s.opts.AnswerTimeout), []byte(rawBanner), "raw REPL prompt"); err != nil {
		return err
	}
	s.mode = modeRaw
	return nil
}
