package repl

import (
	"context"
	"errors"
	"strings"
	"testing"

	"qpyhub/device/testpeer"
)

// readTerminal collects Output until it contains want.
func readTerminal(ctx context.Context, t *testing.T, term *Terminal, want string) string {
	t.Helper()
	var got []byte
	for !strings.Contains(string(got), want) {
		select {
		case b, ok := <-term.Output():
			if !ok {
				t.Fatalf("terminal output closed (%v) before %q; got %q", term.Err(), want, got)
			}
			got = append(got, b...)
		case <-ctx.Done():
			t.Fatalf("waiting for %q: got %q", want, got)
		}
	}
	return string(got)
}

func TestTerminal(t *testing.T) {
	t.Parallel()
	s, _, ctx := startSession(t, testpeer.Options{})
	if _, err := s.Exec(ctx, "greeting = '你好，模组'"); err != nil {
		t.Fatal(err)
	}
	term, err := s.Terminal(ctx)
	if err != nil {
		t.Fatal(err)
	}
	readTerminal(ctx, t, term, ">>> ")
	if _, err := s.Exec(ctx, "print(1)"); !errors.Is(err, ErrBusy) {
		t.Fatalf("Exec while the terminal is open: %v, want ErrBusy", err)
	}
	steps := []struct{ typed, want string }{
		{"print(greeting)\r", "你好，模组\r\n>>> "},
		{"print('中文输入')\r", "中文输入\r\n>>> "},
		{"for i in range(2):\r", "... "},
		{"    print('行', i)\r\r", "行 1\r\n>>> "},
	}
	for _, st := range steps {
		if _, err := term.Write([]byte(st.typed)); err != nil {
			t.Fatal(err)
		}
		readTerminal(ctx, t, term, st.want)
	}
	term.Release()
	if _, ok := <-term.Output(); ok {
		t.Fatal("Output still open after Release")
	}
	if _, err := term.Write([]byte("x")); !errors.Is(err, ErrClosed) {
		t.Fatalf("Write after Release: %v, want ErrClosed", err)
	}
	res, err := s.Exec(ctx, "print(greeting)")
	if err != nil || res.Stdout != "你好，模组\n" {
		t.Fatalf("Exec after Release: %q, %v", res.Stdout, err)
	}
}

func TestCloseEndsAnOpenTerminal(t *testing.T) {
	t.Parallel()
	s, _, ctx := startSession(t, testpeer.Options{})
	term, err := s.Terminal(ctx)
	if err != nil {
		t.Fatal(err)
	}
	closed := make(chan error, 1)
	go func() { closed <- s.Close() }()
	select {
	case err := <-closed:
		if err != nil {
			t.Fatalf("Close: %v", err)
		}
	case <-ctx.Done():
		t.Fatal("Close hung while a terminal was open")
	}
	for range term.Output() {
	}
	if term.Err() != nil {
		t.Fatalf("terminal ended with %v, want nil after Close", term.Err())
	}
}

func TestTerminalSeesTheUnplug(t *testing.T) {
	t.Parallel()
	s, p, ctx := startSession(t, testpeer.Options{})
	term, err := s.Terminal(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer term.Release()
	if _, err := term.Write([]byte("\r")); err != nil {
		t.Fatal(err)
	}
	readTerminal(ctx, t, term, ">>> ")
	p.Kill()
	for {
		select {
		case _, ok := <-term.Output():
			if !ok {
				if !errors.Is(term.Err(), ErrPortGone) {
					t.Fatalf("terminal closed with %v, want ErrPortGone", term.Err())
				}
				return
			}
		case <-ctx.Done():
			t.Fatal("terminal output never closed after the unplug")
		}
	}
}
