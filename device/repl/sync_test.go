package repl

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"go.bug.st/serial"

	"qpyhub/device/testpeer"
)

const chattyMain = `import utime
n = 0
while True:
    print('main.py says', n)
    n += 1
    utime.sleep_ms(30)
`

// stubbornMain swallows Ctrl-C, as a badly written main.py can.
const stubbornMain = `import utime
while True:
    try:
        print('busy')
        utime.sleep_ms(30)
    except KeyboardInterrupt:
        pass
`

// leaveState writes to the port as another tool would, then closes it.
func leaveState(ctx context.Context, t *testing.T, p *testpeer.Peer, keys, marker string) {
	t.Helper()
	if keys == "" {
		return
	}
	port, err := serial.Open(p.Path(), &serial.Mode{BaudRate: 115200})
	if err != nil {
		t.Fatal(err)
	}
	defer port.Close()
	if _, err := port.Write([]byte(keys)); err != nil {
		t.Fatal(err)
	}
	waitReceived(ctx, t, p, marker)
}

func TestSyncFromAnyState(t *testing.T) {
	cases := []struct {
		name string
		opts testpeer.Options
		keys string // typed by "another tool" before the session opens
	}{
		{"fresh boot", testpeer.Options{}, ""},
		{"left in raw REPL", testpeer.Options{}, "\x01"},
		{"half-typed line", testpeer.Options{}, "print('never"},
		{"inside a compound statement", testpeer.Options{}, "for i in range(3):\r"},
		{"half-way through a raw-paste", testpeer.Options{}, "\x01\x05A\x01print('x'"},
		{"friendly paste mode", testpeer.Options{}, "\x05print(1)"},
		{"chatty main.py running", testpeer.Options{RunMainAtBoot: true, Files: map[string][]byte{"main.py": []byte(chattyMain)}}, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
			defer cancel()
			p, err := testpeer.Start(ctx, tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			defer p.Close()
			leaveState(ctx, t, p, tc.keys, tc.keys)
			s, err := Open(ctx, p.Path(), Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			if err := s.Sync(ctx); err != nil {
				t.Fatalf("Sync: %v", err)
			}
			res, err := s.Exec(ctx, "print('in sync', 6*7)")
			if err != nil || res.Stdout != "in sync 42\n" {
				t.Fatalf("Exec after Sync: %q, %v", res.Stdout, err)
			}
		})
	}
}

func TestSyncReportsAProgramThatWillNotStop(t *testing.T) {
	t.Parallel()
	s, _, ctx := startSession(t, testpeer.Options{RunMainAtBoot: true, Files: map[string][]byte{"main.py": []byte(stubbornMain)}})
	// Ctrl-C is sent until the deadline; then the cause is said, not
	// just that the time ran out.
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := s.Sync(ctx); !errors.Is(err, ErrNotStopping) {
		t.Fatalf("Sync: %v, want ErrNotStopping", err)
	}
}

// A module behind a slow line prints the prompt late, in bursts; that
// is not a program that will not stop, as long as the deadline allows.
func TestSyncWaitsForASlowLineUntilItsDeadline(t *testing.T) {
	t.Parallel()
	s, _, ctx := startSession(t, testpeer.Options{BytesPerSec: 100})
	if err := s.Sync(ctx); err != nil {
		t.Fatalf("Sync on a slow line: %v", err)
	}
	res, err := s.Exec(ctx, "print('slow', 6*7)")
	if err != nil || res.Stdout != "slow 42\n" {
		t.Fatalf("Exec on a slow line: %q, %v", res.Stdout, err)
	}
}

func TestCloseLeavesTheFriendlyREPL(t *testing.T) {
	t.Parallel()
	s, p, ctx := startSession(t, testpeer.Options{})
	if _, err := s.Exec(ctx, "x = 40"); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Exec(ctx, "print(1)"); !errors.Is(err, ErrClosed) {
		t.Fatalf("Exec after Close: %v, want ErrClosed", err)
	}
	// A person typing next gets the friendly REPL, not raw mode.
	port, err := serial.Open(p.Path(), &serial.Mode{BaudRate: 115200})
	if err != nil {
		t.Fatal(err)
	}
	defer port.Close()
	if _, err := port.Write([]byte("print(x + 2)\r")); err != nil {
		t.Fatal(err)
	}
	var got []byte
	buf := make([]byte, 256)
	for !strings.Contains(string(got), "print(x + 2)\r\n42\r\n>>> ") {
		if ctx.Err() != nil {
			t.Fatalf("friendly REPL did not answer: %q", got)
		}
		port.SetReadTimeout(100 * 1e6)
		n, err := port.Read(buf)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, buf[:n]...)
	}
}

func TestSoftResetRunsMain(t *testing.T) {
	t.Parallel()
	s, _, ctx := startSession(t, testpeer.Options{Files: map[string][]byte{"main.py": []byte("print('main ran', 1 + 1)\n")}})
	if _, err := s.Exec(ctx, "leftover = 1"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SoftReset(ctx); err != nil {
		t.Fatalf("SoftReset: %v", err)
	}
	out, err := s.Follow(ctx, ">>> ")
	if err != nil {
		t.Fatalf("Follow: %v", err)
	}
	if !strings.Contains(out, "main ran 2\n") || !strings.Contains(out, "EC600N with QUECTEL") {
		t.Fatalf("boot output %q lacks main.py's line or the banner", out)
	}
	// The reset cleared the interpreter: the old variable is gone.
	_, err = s.Exec(ctx, "leftover")
	var pe *PythonError
	if !errors.As(err, &pe) || pe.Type != "NameError" {
		t.Fatalf("after soft reset: %v, want NameError", err)
	}
}

// decoyMain answers the first Ctrl-C with what looks like the idle
// prompt, and keeps running: the firmware drops the Ctrl-A that follows.
const decoyMain = `import utime
try:
    while True:
        utime.sleep_ms(20)
except KeyboardInterrupt:
    print('\n>>> ', end='')
    utime.sleep_ms(600)
`

// The idle prompt's answer ends Sync's wait at once; when that answer
// came from a program that still runs, Sync stops it again and waits
// for quiet after the prompt.
func TestSyncPastAPromptThatWasNotIdle(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	p, err := testpeer.Start(ctx, testpeer.Options{RunMainAtBoot: true, Files: map[string][]byte{"main.py": []byte(decoyMain)}})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	s, err := Open(ctx, p.Path(), Options{AnswerTimeout: 300 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Sync(ctx); err != nil {
		t.Fatalf("Sync: %v (module got %q)", err, p.Received())
	}
	res, err := s.Exec(ctx, "print('in sync', 6*7)")
	if err != nil || res.Stdout != "in sync 42\n" {
		t.Fatalf("Exec after Sync: %q, %v", res.Stdout, err)
	}
	if got := strings.Count(string(p.Received()), "\x01"); got != 2 {
		t.Errorf("Ctrl-A sent %d times, want twice (once dropped by the running program)", got)
	}
}

func TestIdleAnswered(t *testing.T) {
	cases := []struct {
		out  string
		want bool
	}{
		{"\r\n>>> ", true},
		{"\r\nQuecPython v1.12 on 2021-01-01; EC600N with QUECTEL\r\nType \"help()\" for more information.\r\n>>> \r\n>>> ", true},
		{"QuecPython v1.12 on 2021-01-01; EC600N with QUECTEL\r\nType \"help()\" for more information.\r\n>>> ", false},
		{"Traceback (most recent call last):\r\nKeyboardInterrupt: \r\n>>> ", false},
		{"\r\n>>> \r\nraw REPL; CTRL-B to exit\r\n>", false},
		{">>> ", false},
		{"", false},
	}
	for _, tc := range cases {
		if got := idleAnswered([]byte(tc.out)); got != tc.want {
			t.Errorf("idleAnswered(%q) = %v, want %v", tc.out, got, tc.want)
		}
	}
}
