package hubsim

import (
	"net"
	"sync/atomic"
	"testing"
)

func TestConnGateClosesAdmittedConnectionsAndWaitsForThem(t *testing.T) {
	var g connGate
	server, client := net.Pipe()
	defer client.Close()
	inside := make(chan struct{})
	var finished atomic.Bool // set as establish returns, before run's bookkeeping
	done := make(chan struct{})
	go func() {
		defer close(done)
		g.run(server, func(c net.Conn) error {
			close(inside)
			_, err := c.Read(make([]byte, 1)) // the broker waiting for CONNECT
			finished.Store(true)
			return err
		})
	}()
	<-inside
	g.close() // must end the read above, and return only after it
	if !finished.Load() {
		t.Fatal("close returned before the admitted connection's establish did")
	}
	<-done
}

func TestConnGateRefusesConnectionsOnceClosed(t *testing.T) {
	var g connGate
	g.close()
	server, client := net.Pipe()
	defer client.Close()
	called := false
	g.run(server, func(net.Conn) error { called = true; return nil })
	if called {
		t.Fatal("a connection reached the broker after close")
	}
	if _, err := client.Write([]byte{1}); err == nil {
		t.Fatal("the refused connection was left open")
	}
}
