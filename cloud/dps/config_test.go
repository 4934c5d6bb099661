package dps

import (
	"errors"
	"testing"

	"qpyhub/cloud"
)

func TestBrokerURLAndServerName(t *testing.T) {
	tests := []struct {
		name       string
		cfg        Config
		wantURL    string
		serverName string
	}{
		{"global endpoint", Config{}, "ssl://global.azure-devices-provisioning.net:8883", "global.azure-devices-provisioning.net"},
		{"global over WebSockets", Config{WebSocket: true}, "wss://global.azure-devices-provisioning.net:443/$iothub/websocket", "global.azure-devices-provisioning.net"},
		{"local address", Config{Host: "localhost", ServerAddr: "127.0.0.1:18883"}, "ssl://127.0.0.1:18883", "localhost"},
		{"IPv6 address", Config{Host: "localhost", ServerAddr: "[::1]:18883"}, "ssl://[::1]:18883", "localhost"},
		{"WebSocket URL", Config{Host: "localhost", ServerAddr: "wss://127.0.0.1:4443/$iothub/websocket"}, "wss://127.0.0.1:4443/$iothub/websocket", "localhost"},
		{"another DNS name", Config{ServerAddr: "dps.example.net:8883"}, "ssl://dps.example.net:8883", "dps.example.net"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := tc.cfg.withDefaults()
			if err != nil {
				t.Fatal(err)
			}
			creds := cloud.MQTTCredentials{Port: cloud.MQTTPort, WebSocket: cfg.WebSocket}
			if cfg.WebSocket {
				creds.Port = cloud.WebSocketPort
			}
			u, err := cfg.brokerURL(creds)
			if err != nil || u.String() != tc.wantURL {
				t.Fatalf("brokerURL = %v, %v; want %s", u, err, tc.wantURL)
			}
			tlsCfg, err := cfg.tlsConfig(u)
			if err != nil || tlsCfg.ServerName != tc.serverName || tlsCfg.RootCAs == nil {
				t.Fatalf("tlsConfig = %+v, %v; want server name %s", tlsCfg, err, tc.serverName)
			}
		})
	}
	for _, bad := range []string{"host-without-port", "http://x:1", "127.0.0.1:0", "127.0.0.1:99999", ":8883", "ssl://"} {
		_, err := Config{ServerAddr: bad}.brokerURL(cloud.MQTTCredentials{})
		var ce *cloud.FieldError
		if !errors.As(err, &ce) || ce.Reason != ReasonBadServer {
			t.Errorf("brokerURL(%q) error %v, want %q", bad, err, ReasonBadServer)
		}
	}
}

// The DPS host goes into the TLS name and the dial address: a port or a
// stray byte pasted into it is refused by name before any connection.
func TestConfigRefusesBadHost(t *testing.T) {
	tests := map[string]string{
		"global.azure-devices-provisioning.net:8883": cloud.ReasonHostPort,
		"dps\xff.example.net":                        cloud.ReasonBadHostName,
		"dps .example.net":                           cloud.ReasonBadHostName,
	}
	for host, reason := range tests {
		_, err := Config{Host: host}.withDefaults()
		var ce *cloud.FieldError
		if !errors.As(err, &ce) || ce.Field != "host" || ce.Reason != reason {
			t.Errorf("withDefaults(Host %q) error %v, want host %q", host, err, reason)
		}
	}
	if _, err := (Config{Host: "localhost"}).withDefaults(); err != nil {
		t.Errorf("localhost refused: %v", err)
	}
}
