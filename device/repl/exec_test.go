package repl

import (
	"errors"
	"strings"
	"testing"

	"qpyhub/device/testpeer"
)

func TestExec(t *testing.T) {
	long := "x = 0\n" + strings.Repeat("x += 1  # padding to pass several raw-paste windows\n", 40) + "print(x)\n"
	cases := []struct {
		name       string
		code       string
		wantOut    string
		wantErr    string // Python exception type, "" for none
		wantErrno  int
		wantStderr string // substring of the traceback
	}{
		{"stdout only", "print('a')\nprint('b')", "a\nb\n", "", 0, ""},
		{"stdout then exception", "print('before')\nopen('/usr/none.txt')", "before\n", "OSError", 2, "OSError: [Errno 2] ENOENT"},
		{"value error", "raise ValueError('bad value')", "", "ValueError", 0, "ValueError: bad value"},
		{"syntax error", "def (", "", "SyntaxError", 0, "SyntaxError"},
		{"chinese text", "s = '模组在线：你好'\nprint(s)\nprint(len(s))", "模组在线：你好\n7\n", "", 0, ""},
		{"code longer than the windows", long, "40\n", "", 0, ""},
		{"long code that raises", long + "raise OSError(28)\n", "40\n", "OSError", 28, "OSError: 28"},
		{"long code with every byte in a literal", "d = " + BytesLiteral(allBytes()) + "\n" + long +
			"import ubinascii\nprint(len(d), ubinascii.crc32(d))\n", "40\n256 688229491\n", "", 0, ""},
		{"empty code", "", "", "", 0, ""},
	}
	modes := []struct {
		rawPaste string
		want     rawPaste
	}{
		{testpeer.RawPasteOn, pasteYes},
		{testpeer.RawPasteDisabled, pasteNo},
		{testpeer.RawPasteUnsupported, pasteNo},
	}
	for _, m := range modes {
		t.Run("raw-paste "+m.rawPaste, func(t *testing.T) {
			t.Parallel()
			s, p, ctx := startSession(t, testpeer.Options{RawPaste: m.rawPaste})
			for _, tc := range cases {
				res, err := s.Exec(ctx, tc.code)
				if res.Stdout != tc.wantOut {
					t.Errorf("%s: stdout %q, want %q", tc.name, res.Stdout, tc.wantOut)
				}
				if !strings.Contains(res.Stderr, tc.wantStderr) {
					t.Errorf("%s: stderr %q, want it to contain %q", tc.name, res.Stderr, tc.wantStderr)
				}
				var pe *PythonError
				switch {
				case tc.wantErr == "" && err != nil:
					t.Errorf("%s: unexpected error %v", tc.name, err)
				case tc.wantErr != "" && !errors.As(err, &pe):
					t.Errorf("%s: error %v, want a *PythonError %s", tc.name, err, tc.wantErr)
				case tc.wantErr != "" && (pe.Type != tc.wantErr || pe.Errno != tc.wantErrno):
					t.Errorf("%s: exception %s errno %d, want %s errno %d", tc.name, pe.Type, pe.Errno, tc.wantErr, tc.wantErrno)
				}
			}
			if s.paste != m.want {
				t.Errorf("raw-paste state %v, want %v", s.paste, m.want)
			}
			if got := strings.Count(string(p.Received()), "\x05A\x01"); m.want == pasteNo && got != 1 {
				t.Errorf("raw-paste was asked for %d times, want once and then never again", got)
			}
		})
	}
}

// allBytes answers every byte value once.
func allBytes() []byte {
	b := make([]byte, 256)
	for i := range b {
		b[i] = byte(i)
	}
	return b
}

func TestExecOnSlowLink(t *testing.T) {
	t.Parallel()
	s, _, ctx := startSession(t, testpeer.Options{Slow: true})
	res, err := s.Exec(ctx, "for i in range(40):\n    print('line', i, '行')")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(res.Stdout, "\n"), "\n")
	if len(lines) != 40 || lines[39] != "line 39 行" {
		t.Fatalf("got %d lines, last %q", len(lines), lines[len(lines)-1])
	}
}

func TestPeerKilledMidCommand(t *testing.T) {
	t.Parallel()
	s, p, ctx := startSession(t, testpeer.Options{})
	done := make(chan error, 1)
	go func() {
		_, err := s.Exec(ctx, "import utime\nwhile True:\n    print('working')\n    utime.sleep_ms(20)\n")
		done <- err
	}()
	waitReceived(ctx, t, p, "print('working')")
	p.Kill()
	select {
	case err := <-done:
		if !errors.Is(err, ErrPortGone) {
			t.Fatalf("Exec after unplug: %v, want ErrPortGone", err)
		}
	case <-ctx.Done():
		t.Fatal("Exec hung after the unplug")
	}
	if _, err := s.Exec(ctx, "print(1)"); !errors.Is(err, ErrPortGone) {
		t.Fatalf("Exec on a gone port: %v, want ErrPortGone", err)
	}
	if err := s.Sync(ctx); !errors.Is(err, ErrPortGone) {
		t.Fatalf("Sync on a gone port: %v, want ErrPortGone", err)
	}
}

func TestParsePythonError(t *testing.T) {
	cases := []struct {
		stderr   string
		wantNil  bool
		typ, msg string
		errno    int
	}{
		{"", true, "", "", 0},
		{"Traceback (most recent call last):\n  File \"<stdin>\", line 1, in <module>\nOSError: [Errno 2] ENOENT\n", false, "OSError", "[Errno 2] ENOENT", 2},
		{"Traceback (most recent call last):\nOSError: 28\n", false, "OSError", "28", 28},
		{"Traceback (most recent call last):\nKeyboardInterrupt: \n", false, "KeyboardInterrupt", "", 0},
		{"MemoryError\n", false, "MemoryError", "", 0},
		{"Traceback:\nValueError: a: b\n", false, "ValueError", "a: b", 0},
	}
	for _, tc := range cases {
		pe := parsePythonError(tc.stderr)
		if tc.wantNil {
			if pe != nil {
				t.Errorf("%q: got %+v, want nil", tc.stderr, pe)
			}
			continue
		}
		if pe == nil || pe.Type != tc.typ || pe.Message != tc.msg || pe.Errno != tc.errno {
			t.Errorf("%q: got %+v, want %s %q errno %d", tc.stderr, pe, tc.typ, tc.msg, tc.errno)
		}
	}
}

func FuzzParsePythonError(f *testing.F) {
	f.Add("Traceback (most recent call last):\nOSError: [Errno 2] ENOENT\n")
	f.Add("x: [Errno ")
	f.Fuzz(func(t *testing.T, s string) {
		pe := parsePythonError(s)
		if strings.TrimSpace(s) != "" && pe == nil {
			t.Fatalf("non-empty stderr %q gave no error", s)
		}
	})
}

func TestOptionsDefaults(t *testing.T) {
	tests := []struct {
		in       Options
		wantBaud int
	}{
		{Options{}, 115200},
		{Options{BaudRate: 9600}, 9600},
		{Options{BaudRate: -1}, 115200},
	}
	for _, tc := range tests {
		if got := tc.in.withDefaults(); got.BaudRate != tc.wantBaud || got.ChunkSize != 256 {
			t.Errorf("%+v: baud %d chunk %d", tc.in, got.BaudRate, got.ChunkSize)
		}
	}
}
