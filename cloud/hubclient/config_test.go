package hubclient

import (
	"crypto/x509"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"qpyhub/cloud"
)

var testIdentity = cloud.DeviceIdentity{Host: "myhub.azure-devices.net", DeviceID: "dev1", Key: "c2VjcmV0LWRldmljZS1rZXktMDEyMzQ1Njc4OWFiY2Q="}

func TestConfigBrokerURL(t *testing.T) {
	tests := []struct {
		name       string
		websocket  bool
		server     string
		want       string
		wantServer string
	}{
		{"default tls", false, "", "ssl://myhub.azure-devices.net:8883", "myhub.azure-devices.net"},
		{"default websocket", true, "", "wss://myhub.azure-devices.net:443/$iothub/websocket", "myhub.azure-devices.net"},
		{"ip override keeps hub name", false, "127.0.0.1:18883", "ssl://127.0.0.1:18883", "myhub.azure-devices.net"},
		{"localhost override keeps hub name", true, "localhost:4443", "wss://localhost:4443/$iothub/websocket", "myhub.azure-devices.net"},
		{"named override", false, "gateway.example:8883", "ssl://gateway.example:8883", "gateway.example"},
		{"url override", true, "wss://127.0.0.1:9443/$iothub/websocket", "wss://127.0.0.1:9443/$iothub/websocket", "myhub.azure-devices.net"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := Config{Identity: testIdentity, WebSocket: tt.websocket, ServerAddr: tt.server, RootCAs: x509.NewCertPool()}
			u, err := cfg.brokerURL()
			if err != nil {
				t.Fatalf("brokerURL: %v", err)
			}
			if u.String() != tt.want {
				t.Errorf("brokerURL = %q, want %q", u, tt.want)
			}
			tc, err := cfg.tlsConfig(u)
			if err != nil {
				t.Fatalf("tlsConfig: %v", err)
			}
			if tc.ServerName != tt.wantServer || tc.InsecureSkipVerify || tc.MinVersion < 0x0303 {
				t.Errorf("tls ServerName=%q insecure=%v min=%x; want %q, verified, TLS 1.2+", tc.ServerName, tc.InsecureSkipVerify, tc.MinVersion, tt.wantServer)
			}
		})
	}
}

func TestConfigRejects(t *testing.T) {
	dir := t.TempDir()
	notPEM := filepath.Join(dir, "not.pem")
	if err := os.WriteFile(notPEM, []byte("hello"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		cfg    Config
		reason string
	}{
		{"no host", Config{Identity: cloud.DeviceIdentity{DeviceID: "d", Key: "a2V5"}}, ReasonNoIdentity},
		{"no secret", Config{Identity: cloud.DeviceIdentity{Host: "h", DeviceID: "d"}}, ReasonNoSecret},
		{"keepalive too long", Config{Identity: testIdentity, KeepAlive: 1178 * time.Second}, ReasonKeepAliveRange},
		{"negative ttl", Config{Identity: testIdentity, TokenTTL: -time.Second}, ReasonNotPositive},
		{"bad server", Config{Identity: testIdentity, ServerAddr: "no-port"}, ReasonBadServer},
		{"bad scheme", Config{Identity: testIdentity, ServerAddr: "tcp://h:1883"}, ReasonBadServer},
		{"missing CA file", Config{Identity: testIdentity, CAFile: filepath.Join(dir, "absent.pem")}, ReasonCAUnreadable},
		{"CA file without PEM", Config{Identity: testIdentity, CAFile: notPEM}, ReasonCANoCert},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(tt.cfg)
			var ce *cloud.FieldError
			if !errors.As(err, &ce) || ce.Reason != tt.reason {
				t.Errorf("New error = %v, want a cloud.FieldError with reason %q", err, tt.reason)
			}
		})
	}
}

func TestConfigDefaults(t *testing.T) {
	s, err := New(Config{Identity: testIdentity})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	got := []any{s.cfg.TokenTTL, s.cfg.KeepAlive, s.cfg.EventBuffer, s.cfg.CleanSession, s.events.size}
	want := []any{DefaultTokenTTL, DefaultKeepAlive, DefaultEventBuffer, false, DefaultEventBuffer}
	for i := range got {
		if got[i] != want[i] {
			t.Errorf("default %d = %v, want %v", i, got[i], want[i])
		}
	}
}
