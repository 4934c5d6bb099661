package dps

import (
	"context"
	"crypto/x509"
	"errors"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"qpyhub/cloud"
	"qpyhub/cloud/hubclient"
	"qpyhub/cloud/hubclient/proxytest"
	"qpyhub/cloud/hubsim"
)

// Known answer from PROTOCOLS.md §1: a group key, a registration id and
// the device key derived from them.
const (
	groupKey      = "8isrFI1sGsIlvvFSSFRiMfCNzv21fjbE/+ah/lSh3lF8e2YG1Te7w1KpZhJFFXJrqYKi9yegxkqIChbqOS9Egw=="
	groupRegID    = "sn-007-888-abc-mac-a1-b2-c3-d4-e5-f6"
	derivedKey    = "Jsm0lyGpjaVYVP2g3FnmnmG9dI/9qU24wNoykUmermc="
	individualKey = "c2VjcmV0LWtleS1vZi1hbi1pbmRpdmlkdWFsLWRldmljZQ=="
)

const testDeadline = 30 * time.Second

func startHub(t *testing.T) *hubsim.Server {
	t.Helper()
	hub, err := hubsim.New(hubsim.Config{HostName: "localhost", MQTTAddr: "127.0.0.1:0", WSAddr: "127.0.0.1:0"})
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

func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), testDeadline)
	t.Cleanup(cancel)
	return ctx
}

// localConfig registers with the local service; its retry-after of 1 s
// is shortened so the tests poll at once.
func localConfig(t *testing.T, hub *hubsim.Server, regID, key string) Config {
	return Config{
		IDScope:        hub.DPSIDScope(),
		RegistrationID: regID,
		DeviceKey:      key,
		Host:           hub.HostName(),
		ServerAddr:     hub.MQTTAddr(),
		RootCAs:        hubRoots(t, hub),
		MinRetry:       time.Millisecond,
		MaxRetry:       time.Millisecond,
	}
}

func TestGroupEnrollment(t *testing.T) {
	derived, err := cloud.DeriveDeviceKey(groupKey, groupRegID)
	if err != nil || derived != derivedKey {
		t.Fatalf("DeriveDeviceKey = %q, %v; want the known answer", derived, err)
	}
	for _, websocket := range []bool{false, true} {
		name := map[bool]string{false: "mqtts", true: "websocket"}[websocket]
		t.Run(name, func(t *testing.T) {
			hub := startHub(t)
			ctx := testContext(t)
			if err := hub.AddEnrollmentGroup("trays", groupKey, true); err != nil {
				t.Fatal(err)
			}
			cfg := localConfig(t, hub, groupRegID, derived)
			if websocket {
				cfg.WebSocket, cfg.ServerAddr = true, hub.WSURL()
			}
			got, err := Register(ctx, cfg)
			if err != nil {
				t.Fatalf("Register: %v", err)
			}
			want := Assignment{AssignedHub: hub.HostName(), DeviceID: groupRegID, Status: "assigned", SubStatus: "initialAssignment"}
			if got != want {
				t.Fatalf("Register = %+v, want %+v", got, want)
			}
			connectAsDevice(ctx, t, hub, got, derived)
		})
	}
}

// A PC behind a company proxy registers over WebSockets through it; a
// wrong proxy password is said as such.
func TestRegisterThroughProxy(t *testing.T) {
	hub := startHub(t)
	if err := hub.AddEnrollmentGroup("trays", groupKey, true); err != nil {
		t.Fatal(err)
	}
	proxy := proxytest.Start("tech", "pr0xy", false)
	defer proxy.Close()
	cfg := localConfig(t, hub, groupRegID, derivedKey)
	cfg.WebSocket, cfg.ServerAddr = true, hub.WSURL()
	cfg.Proxy = http.ProxyURL(proxy.URL("tech", "pr0xy"))
	got, err := Register(testContext(t), cfg)
	if err != nil || got.DeviceID != groupRegID {
		t.Fatalf("Register through the proxy = %+v, %v", got, err)
	}
	if tunnels := proxy.Tunnels(); len(tunnels) != 1 {
		t.Errorf("proxy tunnels %v, want one", tunnels)
	}

	cfg.Proxy = http.ProxyURL(proxy.URL("tech", "wrong"))
	_, err = Register(testContext(t), cfg)
	var ce *ConnectError
	if !errors.As(err, &ce) || ce.Reason != hubclient.ReasonProxyAuth {
		t.Fatalf("wrong proxy password: %v, want %q", err, hubclient.ReasonProxyAuth)
	}
	if strings.Contains(err.Error(), "wrong") {
		t.Errorf("the error quotes the proxy password: %v", err)
	}
}

// connectAsDevice proves the hub accepts the assigned identity with the
// key the device holds, through the same session the product uses.
func connectAsDevice(ctx context.Context, t *testing.T, hub *hubsim.Server, a Assignment, key string) {
	t.Helper()
	s, err := hubclient.New(hubclient.Config{
		Identity:   cloud.DeviceIdentity{Host: a.AssignedHub, DeviceID: a.DeviceID, Key: key},
		ServerAddr: hub.MQTTAddr(),
		RootCAs:    hubRoots(t, hub),
	})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Connect(ctx); err != nil {
		t.Fatalf("device connect after registration: %v", err)
	}
	if err := hub.WaitConnected(ctx, a.DeviceID, true); err != nil {
		t.Fatal(err)
	}
}

func TestIndividualEnrollment(t *testing.T) {
	hub := startHub(t)
	ctx := testContext(t)
	if err := hub.AddEnrollment("one-off", individualKey, true); err != nil {
		t.Fatal(err)
	}
	got, err := Register(ctx, localConfig(t, hub, "one-off", individualKey))
	if err != nil {
		t.Fatalf("Register: %v", err)
	}
	if got.DeviceID != "one-off" || got.AssignedHub != hub.HostName() || got.Status != "assigned" {
		t.Fatalf("Register = %+v", got)
	}
	if rec, ok := hub.Device("one-off"); !ok || rec.PrimaryKey != individualKey {
		t.Fatalf("hub registry has %+v (present %v), want the enrollment key", rec, ok)
	}
	connectAsDevice(ctx, t, hub, got, individualKey)

	// A second registration of the same device is a re-provisioning.
	again, err := Register(ctx, localConfig(t, hub, "one-off", individualKey))
	if err != nil || again.SubStatus != "reprovisionedToInitialAssignment" {
		t.Fatalf("second Register = %+v, %v", again, err)
	}
}

func TestDisabledGroup(t *testing.T) {
	hub := startHub(t)
	if err := hub.AddEnrollmentGroup("trays", groupKey, false); err != nil {
		t.Fatal(err)
	}
	_, err := Register(testContext(t), localConfig(t, hub, groupRegID, derivedKey))
	var re *RegistrationError
	if !errors.As(err, &re) {
		t.Fatalf("Register error %v (%T), want *RegistrationError", err, err)
	}
	if re.OperationStatus != "disabled" || re.Reason != ReasonDisabled || re.Status != 200 ||
		re.ErrorCode != 401002 || re.Message == "" || re.RegistrationID != groupRegID {
		t.Fatalf("RegistrationError %+v", re)
	}
	if !strings.Contains(err.Error(), "enable it") {
		t.Errorf("error %q does not say what to do", err)
	}
	if _, ok := hub.Device(groupRegID); ok {
		t.Error("a disabled enrollment created a device")
	}
}

func TestNotAuthorized(t *testing.T) {
	hub := startHub(t)
	if err := hub.AddEnrollmentGroup("trays", groupKey, true); err != nil {
		t.Fatal(err)
	}
	wrongKey, err := cloud.DeriveDeviceKey(groupKey, "another-device")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		cfg  func(Config) Config
	}{
		{"group key instead of derived key", func(c Config) Config { c.DeviceKey = groupKey; return c }},
		{"another device's key", func(c Config) Config { c.DeviceKey = wrongKey; return c }},
		{"wrong ID scope", func(c Config) Config { c.IDScope = "0ne99999999"; return c }},
		{"not enrolled", func(c Config) Config { c.RegistrationID = "stranger"; c.DeviceKey = individualKey; return c }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := tc.cfg(localConfig(t, hub, groupRegID, derivedKey))
			_, err := Register(testContext(t), cfg)
			var ce *ConnectError
			if !errors.As(err, &ce) || !errors.Is(err, ErrNotAuthorized) || ce.Reason != ReasonNotAuthorized {
				t.Fatalf("Register error %v, want not authorized", err)
			}
			if strings.Contains(err.Error(), cfg.DeviceKey) || strings.Contains(err.Error(), "sig=") {
				t.Errorf("error leaks a secret: %q", err)
			}
		})
	}
	if ids := hub.DeviceIDs(); len(ids) != 0 {
		t.Errorf("devices created by refused registrations: %v", ids)
	}
}

func TestConnectFailures(t *testing.T) {
	hub := startHub(t)
	if err := hub.AddEnrollmentGroup("trays", groupKey, true); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	unused := ln.Addr().String()
	ln.Close()
	tests := []struct {
		name   string
		cfg    func(Config) Config
		reason string
	}{
		{"nothing listens", func(c Config) Config { c.ServerAddr = unused; return c }, ReasonUnreachable},
		// The embedded roots are Azure's, not the local service's CA.
		{"untrusted certificate", func(c Config) Config { c.RootCAs = nil; return c }, ReasonUntrusted},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Register(testContext(t), tc.cfg(localConfig(t, hub, groupRegID, derivedKey)))
			var ce *ConnectError
			if !errors.As(err, &ce) || ce.Reason != tc.reason {
				t.Fatalf("Register error %v, want %q", err, tc.reason)
			}
		})
	}
	if _, ok := hub.Device(groupRegID); ok {
		t.Error("device registered over a failed connection")
	}
}

func TestContextEndsRegistration(t *testing.T) {
	hub := startHub(t)
	if err := hub.AddEnrollmentGroup("trays", groupKey, true); err != nil {
		t.Fatal(err)
	}
	// DPS asks for a pause after the first request; an hour-long pause
	// means only the context can end this registration.
	cfg := localConfig(t, hub, groupRegID, derivedKey)
	cfg.MinRetry, cfg.MaxRetry = time.Hour, time.Hour
	ctx, cancel := context.WithTimeout(testContext(t), 300*time.Millisecond)
	defer cancel()
	_, err := Register(ctx, cfg)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Register error %v, want the context's deadline", err)
	}
	if _, ok := hub.Device(groupRegID); ok {
		t.Error("device registered after the context ended")
	}

	ctx, cancel = context.WithCancel(testContext(t))
	cancel()
	if _, err := Register(ctx, localConfig(t, hub, groupRegID, derivedKey)); !errors.Is(err, context.Canceled) {
		t.Fatalf("Register with a cancelled context: %v", err)
	}
}

func TestConfigRefused(t *testing.T) {
	hub := startHub(t)
	tests := []struct {
		name  string
		cfg   func(Config) Config
		check func(error) bool
	}{
		{"bad server", func(c Config) Config { c.ServerAddr = "http://x"; return c }, isFieldError("server", ReasonBadServer)},
		{"retry range", func(c Config) Config { c.MinRetry, c.MaxRetry = time.Minute, time.Second; return c }, isFieldError("MaxRetry", ReasonRetryRange)},
		{"key not base64", func(c Config) Config { c.DeviceKey = "not a key!"; return c }, isFieldError("device key", cloud.ReasonNotBase64)},
		{"registration id with slash", func(c Config) Config { c.RegistrationID = "a/b"; return c }, isFieldError("registration id", cloud.ReasonBadIDChars)},
		{"no ID scope", func(c Config) Config { c.IDScope = ""; return c }, isFieldError("ID scope", cloud.ReasonMissing)},
		{"proxy without WebSockets", func(c Config) Config { c.Proxy = http.ProxyFromEnvironment; return c }, isFieldError("proxy", ReasonProxyNeedsWebSocket)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Register(testContext(t), tc.cfg(localConfig(t, hub, groupRegID, derivedKey)))
			if !tc.check(err) {
				t.Fatalf("Register error %v", err)
			}
		})
	}
}

func isFieldError(field, reason string) func(error) bool {
	return func(err error) bool {
		var fe *cloud.FieldError
		return errors.As(err, &fe) && fe.Field == field && fe.Reason == reason
	}
}
