package hubclient

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/url"

	mqtt "github.com/eclipse/paho.mqtt.golang"
	"github.com/gorilla/websocket"

	"qpyhub/cloud/internal/wsconn"
)

// webSocketOpener dials wss connections for paho. paho's own WebSocket
// dialer falls back to the proxy from the environment when none is set and
// reports a refused proxy only as text; dialing here makes Config.Proxy the
// one source of proxies, ends with ctx (the session closing), and keeps
// proxy failures typed.
func (c Config) webSocketOpener(ctx context.Context, tlsCfg *tls.Config) mqtt.OpenConnectionFunc {
	return func(broker *url.URL, _ mqtt.ClientOptions) (net.Conn, error) {
		target := *broker
		target.User = nil
		d := websocket.Dialer{
			NetDialContext: func(ctx context.Context, _, addr string) (net.Conn, error) {
				return c.dialHub(ctx, addr, &target)
			},
			TLSClientConfig:  tlsCfg,
			HandshakeTimeout: connectTimeout,
			Subprotocols:     []string{"mqtt"},
		}
		ws, resp, err := d.DialContext(ctx, target.String(), nil)
		if err != nil {
			if errors.Is(err, websocket.ErrBadHandshake) && resp != nil {
				return nil, fmt.Errorf("the WebSocket upgrade was answered with %s: %w", resp.Status, err)
			}
			return nil, err
		}
		return wsconn.New(ws), nil
	}
}
