package repl

import (
	"bytes"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"qpyhub/device/testpeer"
)

// collector is defined on the module: it keeps what SendData hands it
// and how many calls it took.
const collector = "_got = []\ndef _take(b):\n    _got.append(bytes(b))\n"

func TestSendData(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	data := make([]byte, 20000)
	for i := range data {
		data[i] = byte(rng.UintN(256))
	}
	copy(data, allBytes())
	for _, mode := range []string{testpeer.RawPasteOn, testpeer.RawPasteUnsupported} {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			s, p, ctx := startSession(t, testpeer.Options{RawPaste: mode})
			if _, err := s.Exec(ctx, collector); err != nil {
				t.Fatal(err)
			}
			var last int64
			taken, err := s.SendData(ctx, "_take", bytes.NewReader(data), 3000, func(n int64) {
				if n <= last {
					t.Errorf("progress went from %d to %d", last, n)
				}
				last = n
			})
			if err != nil || taken != int64(len(data)) || last != taken {
				t.Fatalf("SendData: %d of %d, progress %d, %v", taken, len(data), last, err)
			}
			res, err := s.Exec(ctx, "import ubinascii\nd = b''.join(_got)\nprint(len(d), ubinascii.hexlify(d[:4]).decode(), ubinascii.crc32(d), len(_got))")
			if err != nil {
				t.Fatal(err)
			}
			var n, crc, calls int
			var head string
			fmt.Sscan(res.Stdout, &n, &head, &crc, &calls)
			if n != len(data) || head != "00010203" || uint32(crc) != crc32.ChecksumIEEE(data) {
				t.Fatalf("module got %q", res.Stdout)
			}
			// With raw-paste a command carries up to maxPiece bytes.
			// Without it the first fills one input buffer, and later
			// ones, checked on the module, double up to maxPiece.
			if mode == testpeer.RawPasteOn && calls > len(data)/3000+1 {
				t.Errorf("%d commands for %d bytes", calls, len(data))
			}
			if mode == testpeer.RawPasteUnsupported {
				checkWindows(t, p.Received(), 3000)
			}
		})
	}
}

// checkWindows wants the data commands that went to firmware without
// raw-paste to start at one input buffer and grow, checked, to at most
// limit bytes.
func checkWindows(t *testing.T, received []byte, limit int) {
	t.Helper()
	var sizes []int
	for _, cmd := range strings.Split(string(received), "\x04") {
		if i := strings.LastIndex(cmd, "_take(b'"); i >= 0 {
			sizes = append(sizes, -(len(cmd) - i + 1)) // plain: negative
		} else if i := strings.LastIndex(cmd, checkerName+"("); i >= 0 && !strings.Contains(cmd, "def "+checkerName) {
			sizes = append(sizes, len(cmd)-i+1)
		}
	}
	if len(sizes) < 3 || sizes[0] < -256 || sizes[0] > 0 {
		t.Fatalf("data commands %v: the first must be plain, one input buffer at most", sizes)
	}
	checked := sizes[1 : len(sizes)-1] // the last carries what is left
	for i, n := range checked {
		if n < 0 || n > limit || i > 0 && n < checked[i-1]-4 { // an escape may not fit the end
			t.Fatalf("data commands %v: later ones must be checked, growing, at most %d bytes", sizes, limit)
		}
	}
	if checked[len(checked)-1] <= 256 {
		t.Fatalf("data commands %v never grew", sizes)
	}
}

func TestSendDataStops(t *testing.T) {
	t.Parallel()
	s, _, ctx := startSession(t, testpeer.Options{RawPaste: testpeer.RawPasteUnsupported})
	if _, err := s.Exec(ctx, collector+"def _full(b):\n    if len(_got) == 2:\n        raise OSError(28)\n    _take(b)\n"); err != nil {
		t.Fatal(err)
	}
	taken, err := s.SendData(ctx, "_full", bytes.NewReader(make([]byte, 5000)), 3000, nil)
	var pe *PythonError
	if !errors.As(err, &pe) || pe.Errno != 28 || taken == 0 || taken >= 5000 {
		t.Fatalf("SendData into a full module: %d, %v; want OSError 28 after some bytes", taken, err)
	}
	broken := errors.New("disk read error")
	taken, err = s.SendData(ctx, "_take", io.MultiReader(bytes.NewReader(make([]byte, 100)), &failingReader{broken}), 3000, nil)
	if !errors.Is(err, broken) {
		t.Fatalf("SendData from a failing source: %d, %v", taken, err)
	}
	// The session is still in step with the module.
	if res, err := s.Exec(ctx, "print('still here')"); err != nil || res.Stdout != "still here\n" {
		t.Fatalf("Exec after: %q, %v", res.Stdout, err)
	}
}

type failingReader struct{ err error }

func (f *failingReader) Read([]byte) (int, error) { return 0, f.err }

// A firmware whose input buffer overflows loses bytes of a piece larger
// than the buffer: the checker notices, the piece goes again, the
// window stays at one buffer, and the data arrives whole.
func TestSendDataLosesAPiece(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	data := make([]byte, 8000)
	for i := range data {
		data[i] = 'a' + byte(rng.UintN(26)) // no quote, so "')" ends a command
	}
	// One escape, in the third piece, whose loss keeps the length.
	copy(data[999:], "x\nq")
	cases := []struct {
		name string
		lose testpeer.Lose
	}{
		// Bytes of the first checked piece's data: a wrong length.
		{"bytes of the data", testpeer.Lose{After: ",b'", Bytes: 7}},
		// A digit of its offset: the module expects another.
		{"a digit of the offset", testpeer.Lose{After: ",_take,", Bytes: 1}},
		// A comma: an argument short.
		{"a comma", testpeer.Lose{After: ",_take", Bytes: 1}},
		// Its Ctrl-D (after the last staged piece of the checker's
		// definition, the plain first piece and this one's "')"): no OK
		// comes.
		{"the end of the command", testpeer.Lose{After: "')", Nth: 3, Bytes: 1}},
		// The n of an escaped newline: \q is two bytes, as \nq was, so
		// only the content tells.
		{"a byte of an escape", testpeer.Lose{After: `x\`, Bytes: 1}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			lose := tc.lose
			s, p, ctx := startSession(t, testpeer.Options{RawPaste: testpeer.RawPasteUnsupported, Lose: &lose})
			s.opts.AnswerTimeout = 500 * time.Millisecond
			if _, err := s.Exec(ctx, collector); err != nil {
				t.Fatal(err)
			}
			if _, err := s.Exec(ctx, checkerCode); err != nil {
				t.Fatal(err)
			}
			taken, err := s.SendData(ctx, "_take", bytes.NewReader(data), 3000, nil)
			if err != nil || taken != int64(len(data)) {
				t.Fatalf("SendData: %d of %d, %v", taken, len(data), err)
			}
			res, err := s.Exec(ctx, "import ubinascii\nprint(ubinascii.crc32(b''.join(_got)))")
			if err != nil || strings.TrimSpace(res.Stdout) != fmt.Sprint(crc32.ChecksumIEEE(data)) {
				t.Fatalf("module got crc %q (%v), want %d", res.Stdout, err, crc32.ChecksumIEEE(data))
			}
			if !s.windowLocked || s.window() != 256 {
				t.Errorf("window %d, locked %v: want one input buffer, locked", s.window(), s.windowLocked)
			}
			if !strings.Contains(string(p.Received()), "print(_qpyO if _qpyI == ") {
				t.Errorf("the module was not asked how far it got")
			}
		})
	}
}
