package hubclient

import (
	"bytes"
	"context"
	"errors"
	"net"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"qpyhub/cloud"
	"qpyhub/cloud/hubsim"
)

// A session with a key renews its token by reconnecting, and a message
// sent while it does so is still delivered, once.
func TestSessionRenewsTokenWithoutLosingC2D(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	hub := startHub(t, hubsim.Config{TokenGrace: 0}) // expired tokens are closed at once
	id := addDevice(t, hub, "renew-dev")
	cfg := hubConfig(t, hub, id, false)
	cfg.TokenTTL = 3 * time.Second
	s := connect(ctx, t, cfg)

	first := waitEvent(ctx, t, s, stateIs(StateConnected, ""))
	waitEvent(ctx, t, s, stateIs(StateReconnecting, ReasonRenewing))
	if err := hub.SendC2D("renew-dev", hubsim.C2DMessage{Payload: []byte("during renewal"), MessageID: "r1"}); err != nil {
		t.Fatalf("SendC2D: %v", err)
	}
	var renewed *ConnectionState
	var got []*C2DMessage
	for renewed == nil || len(got) == 0 {
		select {
		case ev, ok := <-s.Events():
			if !ok {
				t.Fatal("events closed during renewal")
			}
			switch e := ev.(type) {
			case *ConnectionState:
				if e.State == StateConnected && e.Reason == "" {
					renewed = e
				}
				if e.State == StateExpired || e.State == StateDisconnected {
					t.Fatalf("session ended during renewal: %s %s", e.State, e.Reason)
				}
			case *C2DMessage:
				got = append(got, e)
			}
		case <-ctx.Done():
			t.Fatalf("renewal: connected=%v, messages=%d before the deadline", renewed != nil, len(got))
		}
	}
	if !renewed.TokenExpiresAt.After(first.TokenExpiresAt) {
		t.Errorf("renewed token expires %v, not after the first %v", renewed.TokenExpiresAt, first.TokenExpiresAt)
	}
	if got[0].System.MessageID != "r1" || string(got[0].Payload) != "during renewal" {
		t.Errorf("message = %s %q, want r1 \"during renewal\"", got[0].System.MessageID, got[0].Payload)
	}
	// A later message proves the connection works and that r1 came once.
	if err := hub.SendC2D("renew-dev", hubsim.C2DMessage{Payload: []byte("after"), MessageID: "r2"}); err != nil {
		t.Fatal(err)
	}
	for {
		m := waitEvent[*C2DMessage](ctx, t, s, nil)
		if m.System.MessageID == "r2" {
			break
		}
		if m.System.MessageID == "r1" {
			t.Fatal("r1 delivered twice")
		}
	}
}

// A session with only a pasted token warns, then stops at expiry.
func TestSessionPastedTokenExpires(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	hub := startHub(t, hubsim.Config{TokenGrace: 0})
	id := addDevice(t, hub, "token-dev")
	token, err := cloud.NewSASToken(cloud.DeviceResource(id.Host, id.DeviceID), id.Key, "", time.Now().Add(3*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	id.Key, id.Token = "", token
	s := connect(ctx, t, hubConfig(t, hub, id, false))

	waitEvent(ctx, t, s, stateIs(StateConnected, ReasonTokenExpiring))
	waitEvent(ctx, t, s, stateIs(StateExpired, ReasonTokenExpired))
	select {
	case ev, ok := <-s.Events():
		if ok {
			t.Errorf("event %T after expiry; want the stream closed", ev)
		}
	case <-ctx.Done():
		t.Fatal("events not closed after expiry")
	}
	if err := s.SendTelemetry(ctx, []byte("x"), nil, SystemProperties{}); !errors.Is(err, ErrClosed) {
		t.Errorf("SendTelemetry after expiry = %v, want ErrClosed", err)
	}
}

// A second connection with the same device id kicks the first off; the
// first reports why.
func TestSessionKickedBySecondConnection(t *testing.T) {
	ctx := testContext(t)
	hub := startHub(t, hubsim.Config{})
	id := addDevice(t, hub, "kick-dev")
	first := connect(ctx, t, hubConfig(t, hub, id, false))
	waitEvent(ctx, t, first, stateIs(StateConnected, ""))

	second := connect(ctx, t, hubConfig(t, hub, id, true))
	kicked := waitEvent(ctx, t, first, stateIs(StateReconnecting, ""))
	first.Close() // stop it from taking the device back
	if kicked.Reason != ReasonClosedByHub {
		t.Errorf("kicked reason = %q, want %q", kicked.Reason, ReasonClosedByHub)
	}
	if !second.Connected() {
		t.Error("second session is not connected")
	}
}

// When the hub goes away and comes back on the same address, the session
// reconnects by itself and receives again.
func TestSessionReconnectsAfterHubRestart(t *testing.T) {
	ctx := testContext(t)
	hub1 := startHub(t, hubsim.Config{})
	id := addDevice(t, hub1, "restart-dev")
	rec, _ := hub1.Device("restart-dev")
	caFile := filepath.Join(t.TempDir(), "hub-ca.pem")
	writeFileAtomic(t, caFile, hub1.CAPEM())
	cfg := hubConfig(t, hub1, id, false)
	cfg.RootCAs, cfg.CAFile = nil, caFile
	s := connect(ctx, t, cfg)
	waitEvent(ctx, t, s, stateIs(StateConnected, ""))

	addr := hub1.MQTTAddr()
	_ = hub1.Close()
	waitEvent(ctx, t, s, stateIs(StateReconnecting, ""))

	// hubsim makes a new CA per instance: the session rereads its CA file
	// on every attempt, as a user replacing the file would expect.
	hub2, err := hubsim.New(hubsim.Config{HostName: "localhost", MQTTAddr: addr, Devices: []hubsim.DeviceRecord{rec}})
	if err != nil {
		t.Fatal(err)
	}
	writeFileAtomic(t, caFile, hub2.CAPEM())
	if err := hub2.Start(ctx); err != nil {
		t.Fatalf("restart on %s: %v", addr, err)
	}
	t.Cleanup(func() { _ = hub2.Close() })
	waitEvent(ctx, t, s, stateIs(StateConnected, ""))
	if err := hub2.SendC2D("restart-dev", hubsim.C2DMessage{Payload: []byte("back")}); err != nil {
		t.Fatal(err)
	}
	if m := waitEvent[*C2DMessage](ctx, t, s, nil); !bytes.Equal(m.Payload, []byte("back")) {
		t.Errorf("payload after restart = %q", m.Payload)
	}
}

// Connect fails with advice a technician can act on.
func TestSessionConnectErrors(t *testing.T) {
	hub := startHub(t, hubsim.Config{})
	other := startHub(t, hubsim.Config{})
	id := addDevice(t, hub, "err-dev")
	closedPort := freePort(t)
	tests := []struct {
		name   string
		mutate func(*Config)
		want   string
	}{
		{"wrong CA", func(c *Config) { c.RootCAs = hubRoots(t, other) }, ReasonUntrusted},
		{"wrong CA over websocket", func(c *Config) { c.RootCAs = hubRoots(t, other); c.WebSocket = true; c.ServerAddr = hub.WSURL() }, ReasonUntrusted},
		{"embedded roots only", func(c *Config) { c.RootCAs = nil }, ReasonUntrusted},
		{"wrong key", func(c *Config) { c.Identity.Key = "d3Jvbmcga2V5IGZvciB0aGlzIGRldmljZQ==" }, ReasonNotAuthorized},
		{"unknown device", func(c *Config) { c.Identity.DeviceID = "nobody" }, ReasonNotAuthorized},
		{"nothing listening", func(c *Config) { c.ServerAddr = closedPort }, ReasonUnreachable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := testContext(t)
			cfg := hubConfig(t, hub, id, false)
			tt.mutate(&cfg)
			s, err := New(cfg)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			err = s.Connect(ctx)
			var ce *ConnectError
			if !errors.As(err, &ce) || ce.Reason != tt.want {
				t.Fatalf("Connect error = %v, want reason %q", err, tt.want)
			}
			failed := waitEvent(ctx, t, s, stateIs(StateDisconnected, ""))
			if failed.Reason != tt.want {
				t.Errorf("state reason = %q, want %q", failed.Reason, tt.want)
			}
			if id.Key != "" && bytes.Contains([]byte(err.Error()+failed.Detail), []byte(id.Key)) {
				t.Error("the key leaked into the error")
			}
		})
	}
}

// freePort returns a loopback address nothing listens on.
func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close()
	return addr
}

func TestSessionCloseIsIdempotent(t *testing.T) {
	ctx := testContext(t)
	hub := startHub(t, hubsim.Config{})
	id := addDevice(t, hub, "close-dev")
	s := connect(ctx, t, hubConfig(t, hub, id, false))
	s.Close()
	s.Close()
	last := Event(nil)
	for ev := range s.Events() {
		last = ev
	}
	cs, ok := last.(*ConnectionState)
	if !ok || cs.State != StateDisconnected || cs.Reason != ReasonClosed {
		t.Errorf("last event = %#v, want disconnected/closed", last)
	}
	if err := hub.WaitConnected(ctx, "close-dev", false); err != nil {
		t.Errorf("hub still sees the device: %v", err)
	}
	if err := s.Connect(ctx); !errors.Is(err, ErrClosed) {
		t.Errorf("Connect after Close = %v, want ErrClosed", err)
	}
}

// Close while Connect waits on a server that never answers ends both.
func TestSessionCloseDuringConnect(t *testing.T) {
	ctx := testContext(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	accepted := make(chan net.Conn, 1)
	go func() {
		if c, err := ln.Accept(); err == nil {
			accepted <- c // hold it open, say nothing
		}
	}()
	s, err := New(Config{Identity: testIdentity, ServerAddr: ln.Addr().String()})
	if err != nil {
		t.Fatal(err)
	}
	result := make(chan error, 1)
	go func() { result <- s.Connect(ctx) }()
	select {
	case c := <-accepted:
		defer c.Close()
	case <-ctx.Done():
		t.Fatal("the session never dialed")
	}
	s.Close()
	select {
	case err := <-result:
		if !errors.Is(err, ErrClosed) {
			t.Errorf("Connect = %v, want ErrClosed", err)
		}
	case <-ctx.Done():
		t.Fatal("Connect did not return after Close")
	}
}

// With a token of a few seconds and a hub that honours no token past its
// expiry, the session renews again and again and stays online: every
// renewal is its own reconnect before the hub drops it, and the messages
// sent all the while arrive, each once and in order.
func TestC2DThroughSeveralRenewals(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	hub := startHub(t, hubsim.Config{TokenGrace: 0})
	id := addDevice(t, hub, "renewing-dev")
	cfg := hubConfig(t, hub, id, false)
	cfg.TokenTTL = 3 * time.Second
	s := connect(ctx, t, cfg)

	const renewals = 3
	inFlight := make(chan struct{}, 10) // the sender's window
	sendCtx, stopSending := context.WithCancel(ctx)
	sending := make(chan struct{})
	defer func() { stopSending(); <-sending }()
	go func() {
		defer close(sending)
		ctx := sendCtx
		for i := 0; ; i++ {
			select {
			case inFlight <- struct{}{}:
			case <-ctx.Done():
				return
			}
			msg := hubsim.C2DMessage{Payload: []byte(strconv.Itoa(i)), MessageID: strconv.Itoa(i)}
			err := hub.SendC2D("renewing-dev", msg)
			// Acknowledgements sent as a connection closes are lost: the hub
			// holds those messages until the next connection takes them.
			for isQueueFull(err) {
				if err = hub.WaitC2DQueue(ctx, "renewing-dev", 49); err == nil {
					err = hub.SendC2D("renewing-dev", msg)
				}
			}
			if err != nil {
				if ctx.Err() == nil {
					t.Errorf("SendC2D %d: %v", i, err)
				}
				return
			}
		}
	}()
	next, renewed := 0, 0
	for renewed < renewals {
		select {
		case ev, ok := <-s.Events():
			if !ok {
				t.Fatal("events closed")
			}
			switch e := ev.(type) {
			case *C2DMessage:
				if e.System.MessageID != strconv.Itoa(next) {
					t.Fatalf("message %s arrived, want %d (lost, repeated or out of order)", e.System.MessageID, next)
				}
				next++
				<-inFlight
			case *ConnectionState:
				switch {
				case e.State == StateReconnecting && e.Reason == ReasonRenewing:
					renewed++
				case e.State == StateConnected, e.State == StateConnecting:
				default:
					t.Fatalf("state %s %q: the session did not stay online", e.State, e.Reason)
				}
			}
		case <-ctx.Done():
			t.Fatalf("%d renewals and %d messages before the deadline", renewed, next)
		}
	}
	if next == 0 {
		t.Fatal("no message arrived across the renewals")
	}
	if d, ok := hub.LastDisconnect("renewing-dev"); ok && d.Reason != "the client disconnected" {
		t.Errorf("the hub ended a connection: %s", d.Reason)
	}
}

func isQueueFull(err error) bool {
	var se *hubsim.ServiceError
	return errors.As(err, &se) && se.Code == hubsim.CodeQueueDepthExceeded
}
