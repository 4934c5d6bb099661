package hubsim

import (
	"net"
	"sync"
)

// connGate stands between a listener and the broker's establish call.
// The broker counts connections in a WaitGroup inside establish and waits
// on it in Close, so a connection accepted while the hub closes is a
// WaitGroup Add racing its Wait. The gate admits no connection once
// closing, closes the ones it admitted, and returns from close only when
// every establish has returned: the broker's Wait then finds nothing to
// race with.
type connGate struct {
	mu     sync.Mutex
	closed bool
	conns  map[net.Conn]struct{}
	active sync.WaitGroup
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
	_ = establish(conn) // the broker's hooks log what matters
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
