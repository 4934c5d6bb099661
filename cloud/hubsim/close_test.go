package hubsim

import (
	"crypto/tls"
	"net"
	"sync"
	"testing"
	"time"
)

// Connections arriving while the hub closes must neither hang Close nor
// race the broker's connection count (the race detector reports the
// latter: a count going from 0 to 1 while Close waits for it to reach 0).
// Dialers keep connecting and hanging up through Close; every tenth
// connection stays, half-way through its CONNECT, so the broker is inside
// establish with it when Close runs.
func TestCloseWhileClientsAreConnecting(t *testing.T) {
	s := startHub(t, Config{})
	cfg := clientTLS(t, s)
	through := make(chan struct{}, 1024)
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var conns []net.Conn
			defer func() {
				for _, c := range conns {
					c.Close()
				}
			}()
			for i := 0; ; i++ {
				d := &net.Dialer{Timeout: 5 * time.Second}
				c, err := tls.DialWithDialer(d, "tcp", s.MQTTAddr(), cfg)
				if err != nil {
					return // the hub is closed
				}
				_, err = c.Write([]byte{0x10, 0x20, 0x00, 0x04, 'M'}) // CONNECT, cut short
				if i%10 == 0 {
					conns = append(conns, c)
				} else {
					c.Close()
				}
				if err == nil {
					select {
					case through <- struct{}{}:
					default:
					}
				}
			}
		}()
	}
	ctx := waitCtx(t)
	for range 16 { // close once the broker holds a few half-open connections
		select {
		case <-through:
		case <-ctx.Done():
			t.Fatal("no connection got through")
		}
	}
	closed := make(chan struct{})
	go func() { s.Close(); close(closed) }()
	select {
	case <-closed:
	case <-ctx.Done():
		t.Fatal("Close hangs while clients are connecting")
	}
	wg.Wait()
	if c, err := tls.Dial("tcp", s.MQTTAddr(), cfg); err == nil {
		c.Close()
		t.Error("the hub still accepts connections after Close")
	}
}
