package testpeer

import (
	"testing"

	"golang.org/x/sys/unix"
)

// AddOtherReader opens the peer's port a second time and reads it with
// blocking reads, as cat or a forgotten terminal does, taking bytes the
// product waits for. It ends when the test does: killing the peer hangs
// the port up, which ends the blocked read.
func (p *Peer) AddOtherReader(t testing.TB) {
	t.Helper()
	fd, err := unix.Open(p.Path(), unix.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Fatalf("open the port a second time: %v", err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		buf := make([]byte, 64)
		for {
			if n, err := unix.Read(fd, buf); n <= 0 && err != unix.EINTR {
				return
			}
		}
	}()
	t.Cleanup(func() {
		p.Kill()
		<-done
		unix.Close(fd)
	})
}
