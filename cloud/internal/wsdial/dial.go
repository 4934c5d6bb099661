// Package wsdial opens MQTT-over-WebSocket connections to Azure's device
// endpoints (IoT Hub, DPS), through an HTTP(S) proxy when one applies:
// what the device session (cloud/hubclient) and DPS registration
// (cloud/dps) share. paho's own WebSocket dialer falls back to the proxy
// of the environment when none is given and reports a refused proxy only
// as text; dialing here makes the caller's proxy function the one source
// of proxies, ends with ctx, and keeps proxy failures typed (ProxyError).
package wsdial

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"time"

	"github.com/gorilla/websocket"

	"qpyhub/cloud/internal/wsconn"
)

// Proxy picks the proxy for a request, as http.Transport.Proxy does; nil
// (the function, or its answer) connects directly.
type Proxy = func(*http.Request) (*url.URL, error)

// Dial opens the WebSocket at target (wss://host:443/$iothub/websocket)
// with the "mqtt" subprotocol and returns it as MQTT's byte stream.
// proxyRoots verifies an https:// proxy; nil means the system's roots.
func Dial(ctx context.Context, target *url.URL, tlsCfg *tls.Config, timeout time.Duration, proxy Proxy, proxyRoots *x509.CertPool) (net.Conn, error) {
	t := *target
	t.User = nil
	d := websocket.Dialer{
		NetDialContext: func(ctx context.Context, _, addr string) (net.Conn, error) {
			return dialTCP(ctx, addr, &t, proxy, proxyRoots)
		},
		TLSClientConfig:  tlsCfg,
		HandshakeTimeout: timeout,
		Subprotocols:     []string{"mqtt"},
	}
	ws, resp, err := d.DialContext(ctx, t.String(), nil)
	if err != nil {
		if errors.Is(err, websocket.ErrBadHandshake) && resp != nil {
			return nil, fmt.Errorf("the WebSocket upgrade was answered with %s: %w", resp.Status, err)
		}
		return nil, err
	}
	return wsconn.New(ws), nil
}
