package hubsim

import (
	"crypto/tls"
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"qpyhub/cloud"
)

// A connection that never sends CONNECT is closed after ConnectTimeout,
// whether it stops before the TLS handshake, after it, or after the
// WebSocket upgrade; the hub logs why.
func TestConnectionWithoutCONNECTIsClosed(t *testing.T) {
	rec := newLogRecorder()
	s := startHub(t, Config{ConnectTimeout: 300 * time.Millisecond, Logger: rec.logger(), Devices: []DeviceRecord{{DeviceID: "dev1"}}})
	live := connect(t, s, deviceLogin(t, s, "dev1"))
	live.subscribe(t, filterTwinResponses)
	tests := []struct {
		name string
		dial func(t *testing.T) func() error // returns a read that blocks until the hub closes
	}{
		{"TCP without a TLS handshake", func(t *testing.T) func() error {
			c, err := net.Dial("tcp", s.MQTTAddr())
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { c.Close() })
			return readUntilClosed(c)
		}},
		{"TLS without CONNECT", func(t *testing.T) func() error {
			c, err := tls.Dial("tcp", s.MQTTAddr(), clientTLS(t, s))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { c.Close() })
			return readUntilClosed(c)
		}},
		{"WebSocket without CONNECT", func(t *testing.T) func() error {
			d := websocket.Dialer{TLSClientConfig: clientTLS(t, s), Subprotocols: []string{"mqtt"}}
			ws, _, err := d.Dial(s.WSURL(), nil)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { ws.Close() })
			return func() error {
				_ = ws.SetReadDeadline(time.Now().Add(waitLimit))
				_, _, err := ws.NextReader()
				return err
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			read := tc.dial(t)
			err := read()
			var netErr net.Error
			if err == nil || (errors.As(err, &netErr) && netErr.Timeout()) {
				t.Fatalf("read ended with %v; want the hub to close the connection", err)
			}
		})
	}
	rec.waitFor(t, "connection closed", "no CONNECT within 300ms")
	// The session that did send CONNECT outlived the timeout.
	live.publish(t, "$iothub/twin/GET/?$rid=1", 0, nil)
	if m := live.next(t); !strings.HasPrefix(m.Topic(), "$iothub/twin/res/200/") {
		t.Fatalf("answer on %s", m.Topic())
	}
}

// readUntilClosed reads until the connection ends, for at most waitLimit.
func readUntilClosed(c net.Conn) func() error {
	return func() error {
		_ = c.SetReadDeadline(time.Now().Add(waitLimit))
		buf := make([]byte, 64)
		for {
			if _, err := c.Read(buf); err != nil {
				return err
			}
		}
	}
}

// A refused CONNECT is logged with its reason and without the token.
func TestRefusedConnectIsLoggedWithoutSecrets(t *testing.T) {
	rec := newLogRecorder()
	s := startHub(t, Config{Logger: rec.logger(), Devices: []DeviceRecord{{DeviceID: "dev1"}, {DeviceID: "dev2"}}})
	other, _ := s.Device("dev2")
	l := deviceLogin(t, s, "dev1")
	l.password = deviceToken(t, cloud.DeviceResource(s.HostName(), "dev1"), other.PrimaryKey, time.Now().Add(time.Hour))
	if _, code, _ := dial(t, s, l); code != 5 {
		t.Fatalf("CONNACK %d, want 5", code)
	}
	rec.waitFor(t, "connection closed", "client=dev1", "CONNECT refused", "signature")
	tok, _ := cloud.ParseSASToken(l.password)
	if log := rec.all(); strings.Contains(log, tok.Signature) || strings.Contains(log, other.PrimaryKey) || strings.Contains(log, "sig=") {
		t.Fatalf("the log holds a secret:\n%s", log)
	}
}

// A REST request whose body stalls is cut off after ConnectTimeout.
func TestStalledRESTRequestIsClosed(t *testing.T) {
	s := startHub(t, Config{ConnectTimeout: 300 * time.Millisecond, Devices: []DeviceRecord{{DeviceID: "dev1"}}})
	c, err := tls.Dial("tcp", strings.TrimPrefix(s.HTTPURL(), "https://"), clientTLS(t, s))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	auth := policyToken(t, s, "service", time.Now().Add(time.Hour))
	req := "POST /devices/dev1/messages/deviceBound?api-version=2021-04-12 HTTP/1.1\r\nHost: localhost\r\n" +
		"Authorization: " + auth + "\r\nContent-Length: 100\r\n\r\nonly part of it"
	if _, err := c.Write([]byte(req)); err != nil {
		t.Fatal(err)
	}
	err = readUntilClosed(c)()
	var netErr net.Error
	if errors.As(err, &netErr) && netErr.Timeout() {
		t.Fatal("the hub kept the stalled request open")
	}
}
