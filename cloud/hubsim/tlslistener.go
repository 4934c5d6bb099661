package hubsim

import (
	"crypto/tls"
	"log/slog"
	"net"
	"sync"

	"github.com/mochi-mqtt/server/v2/listeners"
)

// tlsListener serves MQTT over TLS (IoT Hub's port 8883). It replaces the
// broker's own TCP listener so that every connection passes a connGate,
// and it owns its socket so that ":0" reports the port it got.
type tlsListener struct {
	ln        net.Listener
	gate      connGate
	closeOnce sync.Once
}

func newTLSListener(addr string, cfg *tls.Config, policy connPolicy) (*tlsListener, error) {
	ln, err := tls.Listen("tcp", addr, cfg)
	if err != nil {
		return nil, err
	}
	return &tlsListener{ln: ln, gate: connGate{policy: policy}}, nil
}

func (l *tlsListener) ID() string              { return "mqtts" }
func (l *tlsListener) Address() string         { return l.ln.Addr().String() }
func (l *tlsListener) Protocol() string        { return "mqtts" }
func (l *tlsListener) Init(*slog.Logger) error { return nil }

func (l *tlsListener) Serve(establish listeners.EstablishFn) {
	for {
		conn, err := l.ln.Accept()
		if err != nil {
			return // closed
		}
		go l.gate.run(conn, func(c net.Conn) error { return establish(l.ID(), c) })
	}
}

func (l *tlsListener) Close(closeClients listeners.CloseFn) {
	l.closeOnce.Do(func() {
		_ = l.ln.Close()
		closeClients(l.ID())
		l.gate.close()
	})
}
