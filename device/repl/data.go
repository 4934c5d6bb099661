package repl

import (
	"context"
	"errors"
	"io"
)

// SendData runs call(b'…') on the module for each piece of r, in order,
// until r ends, and answers how many bytes of r the module took. call
// names a function already defined on the module, such as a file's
// write. Each piece is as large as one command carries without waiting:
// up to maxPiece bytes by raw-paste, one input buffer without it. A
// piece's command is acknowledged before the next is sent, so nothing
// is sent while code runs. progress, when not nil, is told the bytes
// taken after each piece. An exception raised by call stops it with a
// *PythonError; an error reading r stops it with that error, as it is.
// Without a deadline on ctx, Options.ExecTimeout bounds each piece.
func (s *Session) SendData(ctx context.Context, call string, r io.Reader, maxPiece int, progress func(taken int64)) (int64, error) {
	if err := s.begin(); err != nil {
		return 0, err
	}
	defer s.end()
	buf := make([]byte, 0, max(maxPiece, s.opts.ChunkSize))
	var taken int64
	ended := false
	for {
		if !ended {
			n, err := io.ReadFull(r, buf[len(buf):cap(buf)])
			buf = buf[:len(buf)+n]
			switch {
			case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
				ended = true
			case err != nil:
				return taken, err
			}
		}
		if len(buf) == 0 {
			return taken, nil
		}
		n, err := s.dataCommand(ctx, call, buf)
		if err != nil {
			return taken, err
		}
		taken += int64(n)
		buf = append(buf[:0], buf[n:]...)
		if progress != nil {
			progress(taken)
		}
	}
}

// dataCommand sends one piece of data (a prefix of buf) and answers its
// length once the module ran the command.
func (s *Session) dataCommand(ctx context.Context, call string, buf []byte) (int, error) {
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, s.opts.ExecTimeout)
		defer cancel()
	}
	n, err := s.tryDataCommand(ctx, call, buf)
	if err != nil {
		if _, isPy := err.(*PythonError); !isPy {
			s.abandon()
		}
	}
	return n, err
}

func (s *Session) tryDataCommand(ctx context.Context, call string, buf []byte) (int, error) {
	if s.mode != modeRaw {
		if err := s.sync(ctx); err != nil {
			return 0, err
		}
	}
	s.mode = modeUnknown
	kind := [2]string{call + "(b'", "')"}
	sent := false
	var took int
	if !s.opts.DisableRawPaste && s.paste != pasteNo {
		var cmd []byte
		cmd, took = stagedCommand(kind, buf, len(buf)*4+len(call)+8)
		used, err := s.tryRawPaste(ctx, cmd)
		if err != nil {
			return 0, err
		}
		sent = used
	}
	if !sent {
		var cmd []byte
		cmd, took = stagedCommand(kind, buf, s.opts.ChunkSize-1)
		if err := s.sendPlain(ctx, cmd); err != nil {
			return 0, err
		}
	}
	if _, err := s.result(ctx); err != nil {
		return 0, err
	}
	return took, nil
}
