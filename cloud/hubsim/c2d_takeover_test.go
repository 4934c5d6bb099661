package hubsim

import (
	"fmt"
	"sync"
	"testing"
)

// IoT Hub keeps one connection per device. Connections of one device that
// race each other must leave exactly one open, and that one receives the
// device's messages. (The broker alone let two racing CONNECTs both stay
// open, and then delivered to neither reliably.)
func TestC2DRacingConnectionsLeaveOne(t *testing.T) {
	s := startHub(t, Config{Devices: []DeviceRecord{{DeviceID: "dev1"}}})
	const clients = 4
	for round := range 40 {
		sessions := make([]*session, clients)
		failed := make([]error, clients) // pushed off before its CONNACK
		var wg sync.WaitGroup
		for i := range sessions {
			wg.Add(1)
			go func() {
				defer wg.Done()
				sessions[i], _, failed[i] = dial(t, s, deviceLogin(t, s, "dev1"))
			}()
		}
		wg.Wait()
		ctx := waitCtx(t)
		lost := make(chan int, clients)
		for i, ss := range sessions {
			go func() {
				select {
				case <-ss.lost:
					lost <- i
				case <-ctx.Done():
				}
			}()
		}
		gone := map[int]bool{}
		for i, err := range failed {
			if err != nil {
				gone[i] = true
			}
		}
		for len(gone) < clients-1 {
			select {
			case i := <-lost:
				gone[i] = true
			case <-ctx.Done():
				t.Fatalf("round %d: %d of %d connections of one device are still open", round, clients-len(gone), clients)
			}
		}
		survivor := -1
		for i := range sessions {
			if !gone[i] {
				survivor = i
			}
		}
		ss := sessions[survivor]
		ss.subscribe(t, deviceboundFilter("dev1"))
		want := fmt.Sprint("round ", round)
		if err := s.SendC2D("dev1", C2DMessage{Payload: []byte(want)}); err != nil {
			t.Fatal(err)
		}
		if m := ss.next(t); string(m.Payload()) != want {
			t.Fatalf("round %d: got %q", round, m.Payload())
		}
		if err := s.WaitC2DQueue(ctx, "dev1", 0); err != nil { // acknowledged
			t.Fatal(err)
		}
		ss.client.Disconnect(0)
		if err := s.WaitConnected(ctx, "dev1", false); err != nil {
			t.Fatal(err)
		}
	}
}
