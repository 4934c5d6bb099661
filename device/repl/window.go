package repl

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Data pieces for firmware without raw-paste. The firmware's input
// buffer (Options.ChunkSize) is what is known to be safe; whether it
// takes more while its raw REPL reads a command is found out, not
// assumed: beyond one buffer, each piece goes through a checker on the
// module that takes it only when it arrived whole, at the offset the
// module expects, and the window doubles after every piece taken. A
// piece that came incomplete (a wrong length or offset, a command that
// lost a byte of its syntax, no "OK") is sent again after asking the
// module how far it got, and the window stays at one buffer for the
// rest of the session. Loss only takes bytes away: no piece it touched
// passes the checker.

// checkerName is the module's checker: checkerName(id, call, offset,
// length, data) takes a piece once; _qpyI and _qpyO, set by a command of
// one buffer, are the SendData call it serves and the bytes taken.
const checkerName = "_qpyK"

// lostMark is in the checker's error for a piece that came incomplete.
const lostMark = "qpyhub piece lost"

const checkerCode = `def _qpyK(i,f,o,n,b):
 global _qpyO
 if o+n==_qpyO and i==_qpyI:return
 if i!=_qpyI or o!=_qpyO or len(b)!=n:raise ValueError("` + lostMark + `")
 f(b);_qpyO+=n
`

// window is the most bytes of one data command on firmware without
// raw-paste.
func (s *Session) window() int { return max(s.dataWindow, s.opts.ChunkSize) }

// grow doubles the window after a piece the module took whole.
func (s *Session) grow(limit int) {
	if !s.windowLocked {
		s.dataWindow = min(2*s.window(), max(limit, s.opts.ChunkSize))
	}
}

// checkedPiece sends one piece through the checker and answers how many
// bytes of buf the module took.
func (s *Session) checkedPiece(ctx context.Context, feed *dataFeed, buf []byte) (int, error) {
	if !feed.checking {
		// Where the checker starts counting, in a command of one buffer.
		if _, err := s.exec(ctx, []byte(fmt.Sprintf("_qpyI=%d;_qpyO=%d\n", feed.id, feed.taken))); err != nil {
			return 0, err
		}
		feed.checking = true
	}
	w := s.window()
	head := func(n int) string {
		return fmt.Sprintf("%s(%d,%s,%d,%d,b'", checkerName, feed.id, feed.call, feed.taken, n)
	}
	body, took := AppendBytesLiteral(nil, buf, w-1-len(head(w))-2)
	cmd := append(append([]byte(head(took)), body...), "')"...)
	s.mode = modeUnknown
	err := s.sendPlain(ctx, cmd)
	if err == nil {
		_, err = s.result(ctx)
	}
	var pe *PythonError
	switch {
	case err == nil:
		s.grow(feed.max)
		return took, nil
	case errors.As(err, &pe) && pe.Type == "NameError" && strings.Contains(pe.Message, checkerName):
		// Not on the module yet (or gone with a reset): define it; the
		// piece goes again.
		_, err := s.exec(ctx, []byte(checkerCode))
		return 0, err
	case !pieceLost(err):
		return 0, err
	}
	s.windowLocked, s.dataWindow = true, s.opts.ChunkSize
	if _, isPy := err.(*PythonError); !isPy {
		s.abandon() // no OK: the rest of the line is cleared, the next exchange syncs
	}
	return s.reconcile(ctx, feed, took)
}

// pieceLost reports whether err says a checked piece came incomplete.
func pieceLost(err error) bool {
	var pe *PythonError
	if errors.As(err, &pe) {
		switch pe.Type {
		case "SyntaxError", "NameError", "TypeError": // the command's syntax, a name, an argument
			return true
		case "ValueError":
			return strings.Contains(pe.Message, lostMark)
		}
		return false
	}
	var te *TimeoutError
	return errors.As(err, &te)
}

// reconcile asks how far the module got with this SendData call after a
// lost piece: the piece taken after all, or not (sent again).
func (s *Session) reconcile(ctx context.Context, feed *dataFeed, piece int) (int, error) {
	code := fmt.Sprintf("print(_qpyO if _qpyI == %d else -1)\n", feed.id)
	res, err := s.exec(ctx, []byte(code))
	if err != nil {
		return 0, err
	}
	at, err := strconv.ParseInt(strings.TrimSpace(res.Stdout), 10, 64)
	switch {
	case err != nil:
		return 0, &ProtocolError{Step: "offset after a lost piece", Got: res.Stdout}
	case at < 0 || at == feed.taken:
		return 0, nil
	case at == feed.taken+int64(piece):
		return piece, nil
	}
	return 0, &ProtocolError{Step: "offset after a lost piece", Got: res.Stdout}
}
