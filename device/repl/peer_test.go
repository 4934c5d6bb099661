package repl

import (
	"context"
	"strings"
	"testing"
	"time"

	"qpyhub/device/testpeer"
)

// testTimeout bounds every test against the peer; nothing waits longer.
const testTimeout = 30 * time.Second

// startSession runs a peer and opens a session on it; both close with
// the test.
func startSession(t *testing.T, opts testpeer.Options) (*Session, *testpeer.Peer, context.Context) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	t.Cleanup(cancel)
	p, err := testpeer.Start(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	s, err := Open(ctx, p.Path(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, p, ctx
}

// waitReceived polls what the peer got until it contains marker.
func waitReceived(ctx context.Context, t *testing.T, p *testpeer.Peer, marker string) {
	t.Helper()
	for !strings.Contains(string(p.Received()), marker) {
		select {
		case <-ctx.Done():
			t.Fatalf("the peer never received %q", marker)
		case <-time.After(10 * time.Millisecond):
		}
	}
}
