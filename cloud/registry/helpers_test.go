package registry

import (
	"context"
	"crypto/x509"
	"net"
	"testing"
	"time"

	"qpyhub/cloud/hubsim"
)

// testDeadline bounds each test; requests finish far sooner.
const testDeadline = 30 * time.Second

// startHub runs a local hub with its REST endpoints on a free loopback port.
func startHub(t *testing.T) *hubsim.Server {
	t.Helper()
	hub, err := hubsim.New(hubsim.Config{HostName: "localhost", MQTTAddr: "127.0.0.1:0", HTTPAddr: "127.0.0.1:0"})
	if err != nil {
		t.Fatalf("hubsim.New: %v", err)
	}
	if err := hub.Start(context.Background()); err != nil {
		t.Fatalf("hubsim.Start: %v", err)
	}
	t.Cleanup(func() { _ = hub.Close() })
	return hub
}

func hubRoots(t *testing.T, hub *hubsim.Server) *x509.CertPool {
	t.Helper()
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(hub.CAPEM()) {
		t.Fatal("hub CA is not PEM")
	}
	return pool
}

// newClient makes a client for the hub with one of its policies.
func newClient(t *testing.T, hub *hubsim.Server, policy string) *Client {
	t.Helper()
	cs := hub.PolicyConnectionString(policy)
	if cs == "" {
		t.Fatalf("hub has no policy %s", policy)
	}
	c, err := New(cs, Options{BaseURL: hub.HTTPURL(), RootCAs: hubRoots(t, hub)})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c
}

func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), testDeadline)
	t.Cleanup(cancel)
	return ctx
}

// unusedLoopbackAddr returns a loopback address nothing listens on: the
// system hands out the port, and the listener is closed at once.
func unusedLoopbackAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	if err := ln.Close(); err != nil {
		t.Fatal(err)
	}
	return addr
}
