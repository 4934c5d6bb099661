package repl

import (
	"context"
	"errors"
	"time"
)

// A write goes out in pieces, each with its own deadline, so that a slow
// module that keeps taking bytes is waited for and one that stopped is
// not.
const (
	writePiece   = 1024
	minWriteRate = 960 // bytes per second: a 9600 baud line
)

// write sends b. It gives up when ctx ends, or when a piece has not been
// taken within AnswerTimeout plus its time at minWriteRate. A failure of
// the port becomes the session's port error.
func (s *Session) write(ctx context.Context, b []byte) error {
	if err := s.in.failure(); err != nil {
		return err
	}
	woken := make(chan struct{})
	stop := context.AfterFunc(ctx, func() {
		defer close(woken)
		s.writeMu.Lock()
		defer s.writeMu.Unlock()
		s.port.SetWriteDeadline(time.Now()) // wakes the pending piece
	})
	err := s.writePieces(ctx, b)
	if !stop() {
		<-woken // no later write may meet this deadline
	}
	switch {
	case err == nil:
		return nil
	case ctx.Err() != nil:
		return ctx.Err()
	case errors.Is(err, errDeadline):
		return &TimeoutError{Step: "the module taking input", Got: string(tail(s.in.peek(), 80))}
	}
	perr := s.classify(err)
	s.in.fail(perr)
	return perr
}

func (s *Session) writePieces(ctx context.Context, b []byte) error {
	end, bounded := ctx.Deadline()
	for len(b) > 0 {
		n := min(len(b), writePiece)
		deadline := time.Now().Add(s.opts.AnswerTimeout + time.Duration(n)*time.Second/minWriteRate)
		if bounded && end.Before(deadline) {
			deadline = end
		}
		s.writeMu.Lock()
		if err := ctx.Err(); err != nil {
			s.writeMu.Unlock()
			return err
		}
		s.port.SetWriteDeadline(deadline)
		s.writeMu.Unlock()
		if _, err := s.port.Write(b[:n]); err != nil {
			return err
		}
		b = b[n:]
	}
	return nil
}
