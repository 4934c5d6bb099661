package hubclient

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"qpyhub/cloud"
	"qpyhub/cloud/hubclient/proxytest"
	"qpyhub/cloud/hubsim"
)

const (
	proxyUser     = "qpy"
	proxyPassword = "pr0xy-s3cret"
)

// startProxy runs a CONNECT proxy that wants proxyUser/proxyPassword.
func startProxy(t *testing.T, useTLS bool) *proxytest.Proxy {
	t.Helper()
	p := proxytest.Start(proxyUser, proxyPassword, useTLS)
	t.Cleanup(p.Close)
	return p
}

// hubWSHost is the host:port of the hub's WebSocket listener, which the
// proxy should be asked to tunnel to.
func hubWSHost(t *testing.T, hub *hubsim.Server) string {
	t.Helper()
	u, err := url.Parse(hub.WSURL())
	if err != nil {
		t.Fatal(err)
	}
	return u.Host
}

func TestWebSocketThroughProxy(t *testing.T) {
	for _, useTLS := range []bool{false, true} {
		name := map[bool]string{false: "http proxy", true: "https proxy"}[useTLS]
		t.Run(name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), testDeadline)
			defer cancel()
			hub := startHub(t, hubsim.Config{})
			id := addDevice(t, hub, "proxied-dev")
			proxy := startProxy(t, useTLS)
			cfg := hubConfig(t, hub, id, true)
			cfg.Proxy = http.ProxyURL(proxy.URL(proxyUser, proxyPassword))
			if useTLS {
				cfg.ProxyRootCAs = proxy.RootCAs()
			}
			s := connect(ctx, t, cfg)

			if err := hub.SendC2D("proxied-dev", hubsim.C2DMessage{Payload: []byte("through the proxy")}); err != nil {
				t.Fatal(err)
			}
			msg := waitEvent(ctx, t, s, func(m *C2DMessage) bool { return true })
			if string(msg.Payload) != "through the proxy" {
				t.Errorf("C2D payload = %q", msg.Payload)
			}
			if err := s.SendTelemetry(ctx, []byte(`{"t":21}`), map[string]string{"via": "proxy"}, SystemProperties{}); err != nil {
				t.Fatalf("SendTelemetry: %v", err)
			}
			got, err := hub.WaitTelemetry(ctx, "proxied-dev", func(m hubsim.TelemetryMessage) bool { return true })
			if err != nil || !bytes.Equal(got.Payload, []byte(`{"t":21}`)) {
				t.Errorf("hub got %q, %v", got.Payload, err)
			}
			if tunnels := proxy.Tunnels(); len(tunnels) != 1 || tunnels[0] != hubWSHost(t, hub) {
				t.Errorf("proxy tunnels = %v, want one to %s", tunnels, hubWSHost(t, hub))
			}
		})
	}
}

// connectError connects with cfg, expecting a ConnectError.
func connectError(ctx context.Context, t *testing.T, cfg Config) *ConnectError {
	t.Helper()
	s, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	defer s.Close()
	err = s.Connect(ctx)
	var ce *ConnectError
	if !errors.As(err, &ce) {
		t.Fatalf("Connect = %v, want a ConnectError", err)
	}
	return ce
}

func TestProxyFailures(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), testDeadline)
	defer cancel()
	hub := startHub(t, hubsim.Config{})
	id := addDevice(t, hub, "proxied-dev")
	down := proxytest.Start(proxyUser, proxyPassword, false)
	downURL := down.URL(proxyUser, proxyPassword)
	down.Close()

	tests := []struct {
		name   string
		proxy  func(p *proxytest.Proxy) *url.URL
		only   string // the one target the proxy allows
		reason string
		says   []string // in the error text
	}{
		{"wrong password", func(p *proxytest.Proxy) *url.URL { return p.URL(proxyUser, "wrong-"+proxyPassword) },
			"", ReasonProxyAuth, []string{"407", "proxy http://" + proxyUser + ":xxxxx@127.0.0.1:"}},
		{"no credentials", func(p *proxytest.Proxy) *url.URL { return p.URL("", "") },
			"", ReasonProxyAuth, []string{"407 Proxy Authentication Required"}},
		{"proxy down", func(*proxytest.Proxy) *url.URL { return downURL },
			"", ReasonProxyUnreachable, []string{"proxy http://", downURL.Host, "refused"}},
		{"hub not allowed", func(p *proxytest.Proxy) *url.URL { return p.URL(proxyUser, proxyPassword) },
			"127.0.0.1:1", ReasonProxyRefused, []string{"403 Forbidden"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			proxy := startProxy(t, false)
			if tt.only != "" {
				proxy.OnlyTo(tt.only)
			}
			cfg := hubConfig(t, hub, id, true)
			cfg.Proxy = http.ProxyURL(tt.proxy(proxy))
			ce := connectError(ctx, t, cfg)
			msg := ce.Error()
			t.Log(msg)
			if ce.Reason != tt.reason {
				t.Errorf("reason = %q, want %q (%s)", ce.Reason, tt.reason, msg)
			}
			for _, want := range tt.says {
				if !strings.Contains(msg, want) {
					t.Errorf("error %q does not say %q", msg, want)
				}
			}
			if strings.Contains(msg, proxyPassword) {
				t.Errorf("error %q shows the proxy password", msg)
			}
			if n := len(proxy.Tunnels()); n != 0 {
				t.Errorf("proxy opened %d tunnels, want none", n)
			}
			if hub.Connected("proxied-dev") {
				t.Error("the device reached the hub")
			}
		})
	}
}

// The proxy only carries bytes: the hub's certificate is checked against
// the roots the session was given, as without a proxy.
func TestProxyKeepsHubVerification(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), testDeadline)
	defer cancel()
	hub := startHub(t, hubsim.Config{})
	id := addDevice(t, hub, "proxied-dev")
	caFile := filepath.Join(t.TempDir(), "hub-ca.pem")
	if err := os.WriteFile(caFile, hub.CAPEM(), 0o600); err != nil {
		t.Fatal(err)
	}

	t.Run("CA file", func(t *testing.T) {
		proxy := startProxy(t, false)
		cfg := hubConfig(t, hub, id, true)
		cfg.RootCAs, cfg.CAFile = nil, caFile
		cfg.Proxy = http.ProxyURL(proxy.URL(proxyUser, proxyPassword))
		s := connect(ctx, t, cfg)
		s.Close()
		if n := len(proxy.Tunnels()); n != 1 {
			t.Errorf("proxy opened %d tunnels, want 1", n)
		}
	})
	t.Run("embedded roots", func(t *testing.T) {
		proxy := startProxy(t, false)
		cfg := hubConfig(t, hub, id, true)
		cfg.RootCAs = nil
		cfg.Proxy = http.ProxyURL(proxy.URL(proxyUser, proxyPassword))
		ce := connectError(ctx, t, cfg)
		if ce.Reason != ReasonUntrusted {
			t.Errorf("reason = %q, want %q (%v)", ce.Reason, ReasonUntrusted, ce)
		}
		if n := len(proxy.Tunnels()); n != 1 {
			t.Errorf("proxy opened %d tunnels, want 1: the refusal must come from the TLS check", n)
		}
	})
	t.Run("https proxy not trusted", func(t *testing.T) {
		proxy := startProxy(t, true)
		cfg := hubConfig(t, hub, id, true)
		cfg.Proxy = http.ProxyURL(proxy.URL(proxyUser, proxyPassword))
		ce := connectError(ctx, t, cfg) // the proxy's certificate is not in the system roots
		if ce.Reason != ReasonProxyTLS || strings.Contains(ce.Error(), proxyPassword) {
			t.Errorf("error = %q, want reason %q without the password", ce.Error(), ReasonProxyTLS)
		}
	})
}

func TestProxyNeedsWebSocket(t *testing.T) {
	cfg := Config{Identity: cloud.DeviceIdentity{Host: "h.azure-devices.net", DeviceID: "d", Key: "c2VjcmV0"}, Proxy: http.ProxyFromEnvironment}
	_, err := New(cfg)
	var ce *cloud.FieldError
	if !errors.As(err, &ce) || ce.Field != "proxy" || ce.Reason != ReasonProxyNeedsWebSocket {
		t.Errorf("New = %v, want a field error about the proxy", err)
	}
	cfg.WebSocket = true
	if _, err := New(cfg); err != nil {
		t.Errorf("New with WebSocket = %v", err)
	}
}

// A proxy function that fails may quote the setting, password included;
// the error keeps neither.
func TestProxyFunctionErrorHidesSetting(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), testDeadline)
	defer cancel()
	hub := startHub(t, hubsim.Config{})
	id := addDevice(t, hub, "proxied-dev")
	cfg := hubConfig(t, hub, id, true)
	cfg.Proxy = func(*http.Request) (*url.URL, error) {
		return nil, errors.New(`invalid proxy address "http://qpy:` + proxyPassword + `@bad host"`)
	}
	ce := connectError(ctx, t, cfg)
	if ce.Reason != ReasonProxyBadURL || strings.Contains(ce.Error(), proxyPassword) {
		t.Errorf("error = %q, want reason %q without the password", ce.Error(), ReasonProxyBadURL)
	}
}
