package repl

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"io"
)

// SendData runs call(b'…') on the module for each piece of r, in order,
// until r ends, and answers how many bytes of r the module took. call
// names a function already defined on the module, such as a file's
// write. Each piece's command is acknowledged before the next is sent,
// so nothing is sent while code runs. With raw-paste a piece holds up to
// maxPiece bytes; without it, pieces start at one input buffer and grow
// towards maxPiece while the module confirms each one whole (window.go).
// progress, when not nil, is told the bytes taken after each piece. An
// exception raised by call stops it with a *PythonError; an error
// reading r stops it with that error, as it is. Without a deadline on
// ctx, Options.ExecTimeout bounds each piece.
func (s *Session) SendData(ctx context.Context, call string, r io.Reader, maxPiece int, progress func(taken int64)) (int64, error) {
	if err := s.begin(); err != nil {
		return 0, err
	}
	defer s.end()
	feed := &dataFeed{call: call, id: randomID(), max: max(maxPiece, s.opts.ChunkSize)}
	buf := make([]byte, 0, feed.max)
	ended := false
	for {
		if !ended {
			n, err := io.ReadFull(r, buf[len(buf):cap(buf)])
			buf = buf[:len(buf)+n]
			switch {
			case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
				ended = true
			case err != nil:
				return feed.taken, err
			}
		}
		if len(buf) == 0 {
			return feed.taken, nil
		}
		n, err := s.dataCommand(ctx, feed, buf)
		if err != nil {
			return feed.taken, err
		}
		feed.taken += int64(n)
		buf = append(buf[:0], buf[n:]...)
		if progress != nil && n > 0 {
			progress(feed.taken)
		}
	}
}

// dataFeed is one SendData call.
type dataFeed struct {
	call     string
	id       uint32 // tells this call's checked pieces from another's
	max      int
	taken    int64
	checking bool // the checker counts for this call
	defined  bool // this call defined the checker
}

func randomID() uint32 {
	var b [4]byte
	rand.Read(b[:])
	return binary.LittleEndian.Uint32(b[:])
}

// dataCommand sends one piece (a prefix of buf) and answers how many
// bytes of buf the module took: the piece, or none when it was lost and
// is to be sent again.
func (s *Session) dataCommand(ctx context.Context, feed *dataFeed, buf []byte) (int, error) {
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, s.opts.ExecTimeout)
		defer cancel()
	}
	n, err := s.tryDataCommand(ctx, feed, buf)
	if err != nil {
		if _, isPy := err.(*PythonError); !isPy {
			s.abandon()
		}
	}
	return n, err
}

func (s *Session) tryDataCommand(ctx context.Context, feed *dataFeed, buf []byte) (int, error) {
	if s.mode != modeRaw {
		if err := s.sync(ctx); err != nil {
			return 0, err
		}
	}
	if !s.opts.DisableRawPaste && s.paste != pasteNo {
		s.mode = modeUnknown
		cmd, took := literalCommand([2]string{feed.call + "(b'", "')"}, buf, len(buf)*4+len(feed.call)+8)
		used, err := s.tryRawPaste(ctx, cmd)
		if err != nil {
			return 0, err
		}
		if used {
			_, err := s.result(ctx)
			return took, err
		}
	}
	if s.window() > s.opts.ChunkSize {
		return s.checkedPiece(ctx, feed, buf)
	}
	s.mode = modeUnknown
	cmd, took := literalCommand([2]string{feed.call + "(b'", "')"}, buf, s.opts.ChunkSize-1)
	if err := s.sendPlain(ctx, cmd); err != nil {
		return 0, err
	}
	if _, err := s.result(ctx); err != nil {
		return 0, err
	}
	s.grow(feed.max)
	return took, nil
}
