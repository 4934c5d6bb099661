package hubsim

import (
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"sync"
	"time"

	mqtt "github.com/mochi-mqtt/server/v2"
	"github.com/mochi-mqtt/server/v2/packets"
)

// gatedConn is a connection as the broker sees it, carrying how far it got
// (CONNECT read, session established) and why the hub refused it, so the
// gate can say why a connection that never became a session was closed.
type gatedConn struct {
	net.Conn
	mu         sync.Mutex
	sawConnect bool
	session    bool
	client     string // the CONNECT's client id
	refusal    error
}

// connOf returns the gatedConn under a broker client, or nil for the
// hub's own inline client.
func connOf(cl *mqtt.Client) *gatedConn {
	gc, _ := cl.Net.Conn.(*gatedConn)
	return gc
}

func (gc *gatedConn) markConnect(clientID string) {
	if gc == nil {
		return
	}
	gc.mu.Lock()
	defer gc.mu.Unlock()
	gc.sawConnect, gc.client = true, clientID
}

func (gc *gatedConn) markSession() {
	if gc == nil {
		return
	}
	gc.mu.Lock()
	defer gc.mu.Unlock()
	gc.session = true
}

// refuse notes why the hub refused the CONNECT.
func (gc *gatedConn) refuse(reason error) {
	if gc == nil {
		return
	}
	gc.mu.Lock()
	defer gc.mu.Unlock()
	gc.refusal = reason
}

func (gc *gatedConn) clientID() string {
	gc.mu.Lock()
	defer gc.mu.Unlock()
	return gc.client
}

// closeReason says why a connection ended before it became a session;
// false for a session, whose end the hooks report.
func (gc *gatedConn) closeReason(err error, connectTimeout time.Duration) (string, bool) {
	gc.mu.Lock()
	defer gc.mu.Unlock()
	var netErr interface{ Timeout() bool }
	var recordErr tls.RecordHeaderError
	switch {
	case gc.session:
		return "", false
	case gc.refusal != nil:
		return "CONNECT refused: " + gc.refusal.Error(), true
	case gc.sawConnect:
		return fmt.Sprintf("CONNECT refused: %v", err), true
	case errors.Is(err, os.ErrDeadlineExceeded) || (errors.As(err, &netErr) && netErr.Timeout()):
		return fmt.Sprintf("no CONNECT within %s", connectTimeout), true
	case errors.Is(err, packets.ErrPacketTooLarge):
		return fmt.Sprintf("the first packet is larger than %d bytes", maxPacketSize), true
	case errors.Is(err, packets.ErrProtocolViolationRequireFirstConnect):
		return "the first packet was not CONNECT", true
	case errors.As(err, &recordErr):
		return "not TLS", true
	case errors.Is(err, io.EOF) || errors.Is(err, net.ErrClosed):
		return "the client closed the connection before CONNECT", true
	case err == nil:
		return "closed before CONNECT", true
	}
	return "before CONNECT: " + err.Error(), true
}
