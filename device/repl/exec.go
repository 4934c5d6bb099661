package repl

import (
	"context"
	"strings"
	"time"
)

// Result is what code run on the module printed. Line ends are "\n".
type Result struct {
	Stdout string
	Stderr string // the traceback, when the code raised
}

// Exec runs code in the raw REPL and waits for it to finish. When the
// code raises, the Result holds the traceback and the error is a
// *PythonError. Without a deadline on ctx, Options.ExecTimeout applies;
// a program still running then is interrupted.
func (s *Session) Exec(ctx context.Context, code string) (Result, error) {
	if err := s.begin(); err != nil {
		return Result{}, err
	}
	defer s.end()
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, s.opts.ExecTimeout)
		defer cancel()
	}
	if code == "" {
		code = "\n" // an empty raw REPL command would be a soft reset
	}
	res, err := s.exec(ctx, []byte(code))
	if err != nil {
		if _, isPy := err.(*PythonError); !isPy {
			s.abandon()
		}
	}
	return res, err
}

// abandon forgets the REPL state after a failed exchange, and stops a
// program that may still run, so the next call starts with a Sync.
func (s *Session) abandon() {
	s.mode = modeUnknown
	if s.in.failure() == nil {
		ctx, cancel := context.WithTimeout(context.Background(), abandonWait)
		defer cancel()
		s.write(ctx, []byte{ctrlC})
	}
}

// abandonWait bounds the Ctrl-C after a failure: a module that does not
// even take one byte is not waited for.
const abandonWait = 500 * time.Millisecond

func (s *Session) exec(ctx context.Context, code []byte) (Result, error) {
	if s.mode != modeRaw {
		if err := s.sync(ctx); err != nil {
			return Result{}, err
		}
	}
	s.mode = modeUnknown // until the closing prompt is seen
	if err := s.send(ctx, code); err != nil {
		return Result{}, err
	}
	return s.result(ctx)
}

// result reads what the code printed, up to the raw REPL prompt after it.
func (s *Session) result(ctx context.Context) (Result, error) {
	deadline, _ := ctx.Deadline()
	stdout, err := s.in.until(ctx, deadline, []byte{ctrlD}, "end of program output")
	if err != nil {
		return Result{}, err
	}
	stderr, err := s.in.until(ctx, time.Now().Add(s.opts.AnswerTimeout), []byte{ctrlD}, "end of error output")
	if err != nil {
		return Result{}, err
	}
	if _, err := s.in.until(ctx, time.Now().Add(s.opts.AnswerTimeout), []byte(">"), "raw REPL prompt"); err != nil {
		return Result{}, err
	}
	s.mode = modeRaw
	res := Result{Stdout: cooked(stdout[:len(stdout)-1]), Stderr: cooked(stderr[:len(stderr)-1])}
	if pe := parsePythonError(res.Stderr); pe != nil {
		return res, pe
	}
	return res, nil
}

// cooked turns the firmware's CR LF line ends into LF.
func cooked(b []byte) string {
	return strings.ReplaceAll(string(b), "\r\n", "\n")
}
