// Package wsconn presents a WebSocket as the byte stream MQTT expects, for
// both ends of MQTT over WebSockets in this module: the device session
// (cloud/hubclient) and the local hub (cloud/hubsim). It imports neither.
package wsconn

import (
	"errors"
	"io"
	"net"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// ErrTextFrame is what a reader gets when the peer sends a text message:
// MQTT over WebSockets travels in binary messages only.
var ErrTextFrame = errors.New("MQTT over WebSockets needs binary frames")

// Conn carries MQTT's bytes in binary WebSocket messages. A peer may split
// one MQTT packet over several messages or pack several into one, so reads
// continue across message boundaries; each Write is one message.
type Conn struct {
	ws      *websocket.Conn
	readMu  sync.Mutex
	msg     io.Reader // the rest of the current message; nil between messages
	writeMu sync.Mutex
}

// New wraps an established WebSocket.
func New(ws *websocket.Conn) *Conn { return &Conn{ws: ws} }

func (c *Conn) Read(p []byte) (int, error) {
	c.readMu.Lock()
	defer c.readMu.Unlock()
	for {
		if c.msg == nil {
			kind, r, err := c.ws.NextReader()
			if err != nil {
				return 0, err
			}
			if kind != websocket.BinaryMessage {
				return 0, ErrTextFrame
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

// Write sends p as one binary message; gorilla allows one writer at a time.
func (c *Conn) Write(p []byte) (int, error) {
	c.writeMu.Lock()
	defer c.writeMu.Unlock()
	if err := c.ws.WriteMessage(websocket.BinaryMessage, p); err != nil {
		return 0, err
	}
	return len(p), nil
}

func (c *Conn) Close() error                      { return c.ws.Close() }
func (c *Conn) LocalAddr() net.Addr               { return c.ws.LocalAddr() }
func (c *Conn) RemoteAddr() net.Addr              { return c.ws.RemoteAddr() }
func (c *Conn) SetReadDeadline(t time.Time) error { return c.ws.SetReadDeadline(t) }

// SetWriteDeadline waits for a write under way: the deadline must not
// change in the middle of one.
func (c *Conn) SetWriteDeadline(t time.Time) error {
	c.writeMu.Lock()
	defer c.writeMu.Unlock()
	return c.ws.SetWriteDeadline(t)
}

func (c *Conn) SetDeadline(t time.Time) error {
	if err := c.SetReadDeadline(t); err != nil {
		return err
	}
	return c.SetWriteDeadline(t)
}
