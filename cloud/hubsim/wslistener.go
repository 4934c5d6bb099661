package hubsim

import (
	"crypto/tls"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/gorilla/websocket"
	"github.com/mochi-mqtt/server/v2/listeners"

	"qpyhub/cloud/internal/wsconn"
)

// wsPath is where IoT Hub serves MQTT over WebSockets.
const wsPath = "/$iothub/websocket"

// wsListener serves MQTT over secure WebSockets on /$iothub/websocket with
// the "mqtt" subprotocol, as IoT Hub does for networks that block 8883.
// It owns its socket so that ":0" reports the port it got.
type wsListener struct {
	ln        net.Listener
	srv       *http.Server
	upgrader  websocket.Upgrader
	establish listeners.EstablishFn
	ready     chan struct{}
	gate      connGate
	closeOnce sync.Once
}

func newWSListener(addr string, cfg *tls.Config, policy connPolicy) (*wsListener, error) {
	ln, err := tls.Listen("tcp", addr, cfg)
	if err != nil {
		return nil, err
	}
	l := &wsListener{
		ln:    ln,
		ready: make(chan struct{}),
		gate:  connGate{policy: policy},
		upgrader: websocket.Upgrader{
			Subprotocols: []string{"mqtt"},
			CheckOrigin:  func(*http.Request) bool { return true },
		},
	}
	mux := http.NewServeMux()
	mux.HandleFunc(wsPath, l.serveWS)
	l.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, ErrorLog: quietLog()}
	return l, nil
}

func (l *wsListener) ID() string              { return "wss" }
func (l *wsListener) Address() string         { return l.ln.Addr().String() }
func (l *wsListener) Protocol() string        { return "wss" }
func (l *wsListener) Init(*slog.Logger) error { return nil }
func (l *wsListener) Serve(e listeners.EstablishFn) {
	l.establish = e
	close(l.ready)
	_ = l.srv.Serve(l.ln)
}

func (l *wsListener) Close(closeClients listeners.CloseFn) {
	l.closeOnce.Do(func() {
		_ = l.srv.Close()
		closeClients(l.ID())
		l.gate.close()
	})
}

func (l *wsListener) serveWS(w http.ResponseWriter, r *http.Request) {
	<-l.ready
	ws, err := l.upgrader.Upgrade(w, r, nil)
	if err != nil {
		return // the upgrader has answered with the HTTP error
	}
	defer ws.Close()
	l.gate.run(wsConn{wsconn.New(ws)}, func(c net.Conn) error { return l.establish(l.ID(), c) })
}

// wsConn is the shared MQTT-over-WebSocket stream, except that
// SetDeadline sets only the read deadline: the broker uses it for the
// keepalive, and a write deadline must not change under a running write.
type wsConn struct{ *wsconn.Conn }

func (c wsConn) SetDeadline(t time.Time) error { return c.SetReadDeadline(t) }
