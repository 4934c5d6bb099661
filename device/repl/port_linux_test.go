package repl

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"qpyhub/device/testpeer"
)

// startThief reads the port as another program would (cat, a terminal
// left open), with blocking reads, taking bytes the session waits for.
// It ends when the peer goes.
func startThief(t *testing.T, p *testpeer.Peer) {
	t.Helper()
	fd, err := unix.Open(p.Path(), unix.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		buf := make([]byte, 64)
		for {
			if n, err := unix.Read(fd, buf); n <= 0 && err != unix.EINTR {
				return
			}
		}
	}()
	t.Cleanup(func() {
		p.Kill() // a hang-up ends the blocked read
		<-done
		unix.Close(fd)
	})
}

// within runs f and fails the test when it has not returned when ctx
// ends: the test's own deadline stands in for the user's patience.
func within(ctx context.Context, t *testing.T, what string, f func()) {
	t.Helper()
	done := make(chan struct{})
	go func() {
		defer close(done)
		f()
	}()
	select {
	case <-done:
	case <-ctx.Done():
		t.Fatalf("%s still waits", what)
	}
}

func TestEveryWaitEndsWhileAnotherProgramReadsThePort(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	p, err := testpeer.Start(ctx, testpeer.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	startThief(t, p)
	// The other reader wins some of the bytes: a read that the session
	// started on a "readable" port may find nothing. Several rounds, so
	// that such a read is pending at Close in at least one.
	for round := 0; round < 6; round++ {
		s, err := Open(ctx, p.Path(), Options{})
		if err != nil {
			t.Fatal(err)
		}
		opCtx, stop := context.WithTimeout(ctx, time.Second)
		if round%2 == 1 { // Ctrl-C instead of the deadline
			stop()
		}
		within(ctx, t, fmt.Sprintf("round %d: Exec", round), func() { s.Exec(opCtx, "print('hello')") })
		stop()
		within(ctx, t, fmt.Sprintf("round %d: Close", round), func() { s.Close() })
	}
}

func TestASecondOpenOfAPortFailsAtOnce(t *testing.T) {
	t.Parallel()
	s, p, ctx := startSession(t, testpeer.Options{})
	_, err := Open(ctx, p.Path(), Options{})
	var inUse *InUseError
	if !errors.As(err, &inUse) {
		t.Fatalf("second Open: %v, want an *InUseError", err)
	}
	if inUse.PID != os.Getpid() || !strings.Contains(err.Error(), fmt.Sprintf("in use by another program (pid %d", os.Getpid())) {
		t.Fatalf("second Open: %v, want the holder pid %d named", err, os.Getpid())
	}
	// The first session still works, and after it closes the port opens.
	if res, err := s.Exec(ctx, "print(6 * 7)"); err != nil || res.Stdout != "42\n" {
		t.Fatalf("first session after the refused open: %q, %v", res.Stdout, err)
	}
	s.Close()
	again, err := Open(ctx, p.Path(), Options{})
	if err != nil {
		t.Fatalf("Open after Close: %v", err)
	}
	again.Close()
}

// rawPTY makes a pseudo-terminal whose other side nobody reads: a module
// that stopped taking input.
func rawPTY(t *testing.T) string {
	t.Helper()
	master, err := os.OpenFile("/dev/ptmx", os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { master.Close() })
	fd := int(master.Fd())
	if err := unix.IoctlSetPointerInt(fd, unix.TIOCSPTLCK, 0); err != nil {
		t.Fatal(err)
	}
	n, err := unix.IoctlGetUint32(fd, unix.TIOCGPTN)
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("/dev/pts/%d", n)
}

func TestWritesEndWhenTheModuleStopsTakingInput(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	s, err := Open(ctx, rawPTY(t), Options{AnswerTimeout: 500 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	term, err := s.Terminal(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var werr error
	within(ctx, t, "a write nobody reads", func() { _, werr = term.Write(make([]byte, 4<<20)) })
	var te *TimeoutError
	if !errors.As(werr, &te) {
		t.Fatalf("write: %v, want a *TimeoutError", werr)
	}
	within(ctx, t, "Close", func() { s.Close() })
}
