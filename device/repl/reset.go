package repl

import (
	"context"
	"time"
)

const softRebootLine = "MPY: soft reboot"

// SoftReset restarts the interpreter from the friendly REPL (Ctrl-D), as
// a power-up would, so /usr/main.py runs. It returns once the module says
// "MPY: soft reboot", with what came before; the boot output that follows
// is kept for Follow, a Terminal, or dropped by the next Sync.
func (s *Session) SoftReset(ctx context.Context) (string, error) {
	if err := s.begin(); err != nil {
		return "", err
	}
	defer s.end()
	if err := s.interrupt(ctx, true); err != nil { // friendly prompt, idle
		return "", err
	}
	s.mode = modeUnknown
	if err := s.write(ctx, []byte{ctrlD}); err != nil {
		return "", err
	}
	out, err := s.in.until(ctx, time.Now().Add(s.opts.AnswerTimeout), []byte(softRebootLine+"\r\n"), "soft reboot")
	return cooked(out), err
}

// Follow reads what the module prints (a running program, a boot) until
// marker appears, and answers it all up to and including marker. It
// waits until ctx ends; then it answers what arrived with ctx's error.
func (s *Session) Follow(ctx context.Context, marker string) (string, error) {
	if err := s.begin(); err != nil {
		return "", err
	}
	defer s.end()
	s.mode = modeUnknown
	deadline, ok := ctx.Deadline()
	if !ok {
		deadline = time.Now().Add(s.opts.ExecTimeout)
	}
	out, err := s.in.until(ctx, deadline, []byte(marker), "program output "+marker)
	if err != nil {
		return cooked(s.in.take()), err
	}
	return cooked(out), nil
}
