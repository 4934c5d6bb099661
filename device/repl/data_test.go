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
			// Without raw-paste no command is longer than the firmware's
			// input buffer; with it, one carries up to maxPiece bytes.
			wantMax := len(data)/3000 + 1
			if mode == testpeer.RawPasteUnsupported {
				wantMax = len(data)
			}
			if calls > wantMax || mode == testpeer.RawPasteUnsupported && calls < len(data)/256 {
				t.Errorf("%d commands for %d bytes", calls, len(data))
			}
			if mode == testpeer.RawPasteUnsupported {
				for _, cmd := range strings.Split(string(p.Received()), "\x04") {
					if i := strings.LastIndex(cmd, "_take(b'"); i >= 0 && len(cmd)-i+1 > 256 {
						t.Fatalf("a command of %d bytes went to firmware with a 256-byte buffer", len(cmd)-i+1)
					}
				}
			}
		})
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
