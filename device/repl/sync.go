package repl

import (
	"bytes"
	"context"
	"errors"
	"time"
)

const (
	friendlyPrompt = ">>> "
	idleAnswer     = "\r\n" + friendlyPrompt // Ctrl-C at the idle friendly prompt
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
	// What the module printed before is nobody's answer (a terminal
	// shows it; a sync does not): dropped, so that an old prompt is not
	// taken for a new one.
	s.port.DropInput()
	s.in.discard()
	if err := s.interrupt(ctx, false); err != nil {
		return err
	}
	err := s.enterRaw(ctx)
	var te *TimeoutError
	if !errors.As(err, &te) {
		return err
	}
	// The prompt was printed by a program that still runs, and the
	// firmware dropped Ctrl-A: stop it again, and this time wait until
	// the line is quiet after the prompt.
	if err := s.interrupt(ctx, true); err != nil {
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
	return s.interrupt(ctx, true)
}

// interrupt sends Ctrl-C until the friendly prompt shows. The firmware
// drops everything but Ctrl-C while code runs, so nothing else is sent
// before the prompt. Unless settle, an idle prompt's answer ends the wait
// as it arrives; any other output must end with the prompt and then stay
// quiet for a while (a program may print ">>> " itself, and the prompt
// may be older than the Ctrl-C). Silence may mean the raw REPL, where Ctrl-C prints
// nothing: Ctrl-B then leads to the friendly REPL. Each round waits
// longer for quiet, so a slow line is not taken for a program that will
// not stop; while the module prints, rounds go on until ctx's deadline.
// A silent port, or no deadline, gets syncAttempts rounds.
func (s *Session) interrupt(ctx context.Context, settle bool) error {
	end, bounded := ctx.Deadline()
	sawOutput := false
	promptEnds := func(out []byte) bool { return !settle && idleAnswered(out) }
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
			s.in.discard() // only the answer to this key counts
			if err := s.write(ctx, []byte{key}); err != nil {
				return deadlineAsFailure(err, sawOutput)
			}
			out, settled, err := s.in.quiet(ctx, gap, limit, promptEnds)
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

// idleAnswered reports whether out is Ctrl-C's answer at the idle
// prompt, alone or after an earlier prompt still on its way (the banner
// a Ctrl-B printed as the last session closed).
func idleAnswered(out []byte) bool {
	before, ok := bytes.CutSuffix(out, []byte(idleAnswer))
	return ok && (len(before) == 0 || bytes.HasSuffix(before, []byte(friendlyPrompt)))
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
