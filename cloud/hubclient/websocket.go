package hubclient

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"sync"
	"time"

	mqtt "github.com/eclipse/paho.mqtt.golang"
	"github.com/gorilla/websocket"
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
		return &wsConn{ws: ws}, nil
	}
}

// wsConn carries MQTT's byte stream in binary WebSocket messages. The hub
// may split one MQTT packet over several messages or pack several into
// one, so reads continue across message boundaries.
type wsConn struct {
	ws      *websocket.Conn
	readMu  sync.Mutex
	msg     io.Reader // the rest of the current message; nil between messages
	writeMu sync.Mutex
}

func (c *wsConn) Read(p []byte) (int, error) {
	c.readMu.Lock()
	defer c.readMu.Unlock()
	for {
		if c.msg == nil {
			_, r, err := c.ws.NextReader()
			if err != nil {
				return 0, err
			}
			c.msg = r
		}
		n, err := c.msg.Read(p)
		if errors.Is(err, io.EOF) {
			c.msg = nil
			if n == 0 {
				continue
			}
			err = nil
		}
		return n, err
	}
}

func (c *wsConn) Write(p []byte) (int, error) {
	c.writeMu.Lock()
	defer c.writeMu.Unlock()
	if err := c.ws.WriteMessage(websocket.BinaryMessage, p); err != nil {
		return 0, err
	}
	return len(p), nil
}

func (c *wsConn) Close() error                       { return c.ws.Close() }
func (c *wsConn) LocalAddr() net.Addr                { return c.ws.LocalAddr() }
func (c *wsConn) RemoteAddr() net.Addr               { return c.ws.RemoteAddr() }
func (c *wsConn) SetReadDeadline(t time.Time) error  { return c.ws.SetReadDeadline(t) }
func (c *wsConn) SetWriteDeadline(t time.Time) error { return c.ws.SetWriteDeadline(t) }

func (c *wsConn) SetDeadline(t time.Time) error {
	if err := c.ws.SetReadDeadline(t); err != nil {
		return err
	}
	return c.ws.SetWriteDeadline(t)
}
