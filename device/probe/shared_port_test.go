//go:build linux

// The test peer runs on a Linux pseudo-terminal.

package probe

import (
	"context"
	"testing"
	"time"

	"qpyhub/device/repl"
	"qpyhub/device/testpeer"
)

// TestProbeEndsByItsDeadlineWhileAnotherProgramReadsThePort: a second
// reader on the port (cat, a forgotten terminal) takes bytes the probe
// waits for; the probe and the close still end, by the probe's deadline.
func TestProbeEndsByItsDeadlineWhileAnotherProgramReadsThePort(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	peer, err := testpeer.Start(ctx, testpeer.Options{})
	if err != nil {
		t.Fatalf("start peer: %v", err)
	}
	t.Cleanup(func() { peer.Close() })
	peer.AddOtherReader(t)
	for round := 0; round < 4; round++ {
		ended := make(chan struct{})
		go func() {
			defer close(ended)
			s, err := repl.Open(ctx, peer.Path(), repl.Options{})
			if err != nil {
				t.Errorf("open: %v", err)
				return
			}
			probeCtx, stop := context.WithTimeout(ctx, 2*time.Second)
			defer stop()
			Run(probeCtx, OverSession(s)) // garbled or not: it must end
			s.Close()
		}()
		select {
		case <-ended:
		case <-ctx.Done():
			t.Fatalf("round %d: the probe (or closing its port) still waits long after its deadline", round)
		}
	}
}
