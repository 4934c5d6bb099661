package repl

import (
	"context"
	"errors"
	"fmt"
	"hash/crc32"
	"math"
	"strconv"
	"strings"
)

// Data pieces for firmware without raw-paste. The firmware's input
// buffer (Options.ChunkSize) is what is known to be safe; whether it
// takes more while its raw REPL reads a command is found out, not
// assumed: beyond one buffer, each piece goes through a checker on the
// module that takes it only when it arrived whole (its offset, length
// and CRC-32, or byte sum where the firmware has no crc32, are those the
// computer sent), and the window doubles after every piece taken. A
// piece that came incomplete (a wrong offset, length or checksum, a
// command that lost a byte of its syntax, no "OK") is sent again after
// asking the module how far it got, and the window stays at one buffer
// for the rest of the session. The length alone would not do: a lost
// byte of an escape can leave it as it was (\nq becoming \q).

// checkerName is the module's checker: checkerName(id, call, offset,
// length, crc32, sum, data) takes a piece only at the offset the module
// expects (one sent twice is refused, and reconcile tells); _qpyI and
// _qpyO, set by a command of one buffer, are the SendData call it
// serves and the bytes taken.
const checkerName = "_qpyK"

// lostMark is in the checker's error for a piece that came incomplete.
const lostMark = "qpyhub piece lost"

const checkerCode = `try:
 from ubinascii import crc32 as _qpyC
except Exception:
 _qpyC=0
def _qpyK(i,f,o,n,c,s,b):
 global _qpyO
 if i!=_qpyI or o!=_qpyO or len(b)!=n or (_qpyC(b) if _qpyC else sum(b))!=(c if _qpyC else s):raise ValueError("` + lostMark + `")
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
	head := func(n int, crc uint32, sum int) string {
		return fmt.Sprintf("%s(%d,%s,%d,%d,%d,%d,b'", checkerName, feed.id, feed.call, feed.taken, n, crc, sum)
	}
	body, took := AppendBytesLiteral(nil, buf, w-1-len(head(w, math.MaxUint32, 255*w))-2)
	cmd := append(append([]byte(head(took, crc32.ChecksumIEEE(buf[:took]), byteSum(buf[:took]))), body...), "')"...)
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
	case !feed.defined && errors.As(err, &pe) && pe.Type == "NameError" && strings.Contains(pe.Message, checkerName):
		// Not on the module yet (or gone with a reset): define it, once
		// a call; the piece goes again.
		feed.defined = true
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

// byteSum is the checker's sum(b).
func byteSum(b []byte) int {
	sum := 0
	for _, c := range b {
		sum += int(c)
	}
	return sum
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
	// No OK: the Ctrl-D may be lost. Once the OK came the command was
	// whole, and a later timeout is the module's, not the line's.
	var te *TimeoutError
	return errors.As(err, &te) && te.Step == stepOK
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
