package hubsim

import (
	"log/slog"
	"net"
	"sync"
	"time"
)

// connGate stands between a listener and the broker's establish call.
//
// The broker counts connections in a WaitGroup inside establish and waits
// on it in Close, so a connection accepted while the hub closes is a
// WaitGroup Add racing its Wait. The gate admits no connection once
// closing, closes the ones it admitted, and returns from close only when
// every establish has returned: the broker's Wait then finds nothing to
// race with.
//
// It also bounds how long a connection may stay open before its CONNECT
// (the broker would wait forever), and logs why a connection that never
// became a session was closed; a session's end is logged by the hooks.
type connGate struct {
	policy connPolicy
	mu     sync.Mutex
	closed bool
	conns  map[net.Conn]struct{}
	active sync.WaitGroup
}

// connPolicy is what every listener's gate applies.
type connPolicy struct {
	connectTimeout time.Duration // 0: no limit
	log            *slog.Logger  // nil: nothing logged
}

// run hands conn to establish unless the gate is closed, and returns when
// the connection ends.
func (g *connGate) run(conn net.Conn, establish func(net.Conn) error) {
	g.mu.Lock()
	if g.closed {
		g.mu.Unlock()
		_ = conn.Close()
		return
	}
	if g.conns == nil {
		g.conns = map[net.Conn]struct{}{}
	}
	g.conns[conn] = struct{}{}
	g.active.Add(1)
	g.mu.Unlock()
	defer func() {
		g.mu.Lock()
		delete(g.conns, conn)
		g.mu.Unlock()
		g.active.Done()
	}()
	if g.policy.connectTimeout > 0 {
		// The broker replaces this deadline with the keepalive's once
		// CONNECT has arrived. On TLS it covers the handshake too.
		_ = conn.SetDeadline(time.Now().Add(g.policy.connectTimeout))
	}
	gc := &gatedConn{Conn: conn}
	err := establish(gc)
	if reason, ok := gc.closeReason(err, g.policy.connectTimeout); ok && g.policy.log != nil {
		g.policy.log.Info("connection closed", "client", gc.clientID(), "remote", conn.RemoteAddr().String(), "reason", reason)
	}
}

// close refuses new connections, drops the admitted ones and waits until
// their establish calls have returned.
func (g *connGate) close() {
	g.mu.Lock()
	g.closed = true
	for c := range g.conns {
		_ = c.Close()
	}
	g.mu.Unlock()
	g.active.Wait()
}
