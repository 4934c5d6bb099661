package hubclient

import (
	"context"
	"crypto/x509"
	"os"
	"path/filepath"
	"testing"
	"time"

	"qpyhub/cloud"
	"qpyhub/cloud/hubsim"
)

// testDeadline bounds every integration test; waits inside use its ctx.
const testDeadline = 30 * time.Second

// startHub runs a local hub with TLS and WebSockets on free loopback ports.
func startHub(t *testing.T, cfg hubsim.Config) *hubsim.Server {
	t.Helper()
	if cfg.HostName == "" {
		cfg.HostName = "localhost"
	}
	if cfg.MQTTAddr == "" {
		cfg.MQTTAddr = "127.0.0.1:0"
	}
	if cfg.WSAddr == "" {
		cfg.WSAddr = "127.0.0.1:0"
	}
	hub, err := hubsim.New(cfg)
	if err != nil {
		t.Fatalf("hubsim.New: %v", err)
	}
	if err := hub.Start(context.Background()); err != nil {
		t.Fatalf("hubsim.Start: %v", err)
	}
	t.Cleanup(func() { _ = hub.Close() })
	return hub
}

// addDevice registers id and returns its identity from the connection
// string, as a user would paste it.
func addDevice(t *testing.T, hub *hubsim.Server, id string) cloud.DeviceIdentity {
	t.Helper()
	if _, err := hub.AddDevice(id); err != nil {
		t.Fatalf("AddDevice: %v", err)
	}
	cs, err := hub.DeviceConnectionString(id)
	if err != nil {
		t.Fatal(err)
	}
	parsed, err := cloud.ParseConnectionString(cs)
	if err != nil {
		t.Fatal(err)
	}
	identity, err := cloud.IdentityFromConnectionString(parsed)
	if err != nil {
		t.Fatal(err)
	}
	return identity
}

func hubRoots(t *testing.T, hub *hubsim.Server) *x509.CertPool {
	t.Helper()
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(hub.CAPEM()) {
		t.Fatal("hub CA is not PEM")
	}
	return pool
}

// hubConfig is a session config for the hub over TLS or WebSockets.
func hubConfig(t *testing.T, hub *hubsim.Server, id cloud.DeviceIdentity, websocket bool) Config {
	cfg := Config{Identity: id, RootCAs: hubRoots(t, hub), WebSocket: websocket, ServerAddr: hub.MQTTAddr()}
	if websocket {
		cfg.ServerAddr = hub.WSURL()
	}
	return cfg
}

// connect makes and connects a session that is closed when the test ends.
func connect(ctx context.Context, t *testing.T, cfg Config) *Session {
	t.Helper()
	s, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(s.Close)
	if err := s.Connect(ctx); err != nil {
		t.Fatalf("Connect: %v", err)
	}
	return s
}

// waitEvent reads events until one of type T satisfies match, failing the
// test when ctx ends or the stream closes first.
func waitEvent[T Event](ctx context.Context, t *testing.T, s *Session, match func(T) bool) T {
	t.Helper()
	for {
		select {
		case ev, ok := <-s.Events():
			if !ok {
				var zero T
				t.Fatalf("events closed while waiting for %T", zero)
				return zero
			}
			if e, ok := ev.(T); ok && (match == nil || match(e)) {
				return e
			}
		case <-ctx.Done():
			var zero T
			t.Fatalf("no matching %T before the deadline: %v", zero, ctx.Err())
			return zero
		}
	}
}

func stateIs(state State, reason string) func(*ConnectionState) bool {
	return func(e *ConnectionState) bool {
		return e.State == state && (reason == "" || e.Reason == reason)
	}
}

func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), testDeadline)
	t.Cleanup(cancel)
	return ctx
}

// writeFileAtomic replaces path so a reader never sees half a file.
func writeFileAtomic(t *testing.T, path string, data []byte) {
	t.Helper()
	tmp := filepath.Join(filepath.Dir(path), ".tmp-"+filepath.Base(path))
	if err := os.WriteFile(tmp, data, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
}
