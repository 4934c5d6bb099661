package hubsim

import (
	"context"
	"testing"
	"time"

	paho "github.com/eclipse/paho.mqtt.golang"
)

// BenchmarkC2DThroughput measures messages per second from SendC2D to a
// paho subscriber over TLS, acknowledged at QoS 1.
func BenchmarkC2DThroughput(b *testing.B) {
	s := startHub(b, Config{Devices: []DeviceRecord{{DeviceID: "bench"}}})
	ss := connect(b, s, deviceLogin(b, s, "bench"))
	got := make(chan struct{}, 1024)
	tok := ss.client.Subscribe(deviceboundFilter("bench"), 1, func(paho.Client, paho.Message) { got <- struct{}{} })
	if !tok.WaitTimeout(waitLimit) || tok.Error() != nil {
		b.Fatalf("subscribe: %v", tok.Error())
	}
	payload := []byte(`{"cmd":"set","value":42}`)
	msg := C2DMessage{Payload: payload, Properties: map[string]string{"kind": "bench"}}
	// IoT Hub queues at most 50 messages per device until the device
	// acknowledges them: the sender keeps fewer than that in flight, as a
	// cloud application must, and waits for room when the
	// acknowledgements lag behind the deliveries it counts.
	inFlight := make(chan struct{}, maxC2DQueue-10)
	b.ResetTimer()
	start := time.Now()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		for i := 0; i < b.N; i++ {
			inFlight <- struct{}{}
			err := s.SendC2D("bench", msg)
			for isQueueFull(err) {
				if err = s.WaitC2DQueue(ctx, "bench", maxC2DQueue-1); err == nil {
					err = s.SendC2D("bench", msg)
				}
			}
			if err != nil {
				b.Error(err)
				return
			}
		}
	}()
	for i := 0; i < b.N; i++ {
		select {
		case <-got:
			<-inFlight
		case <-time.After(waitLimit):
			b.Fatalf("message %d of %d never arrived", i, b.N)
		}
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "msgs/s")
}

func isQueueFull(err error) bool {
	se, ok := asServiceError(err)
	return ok && se.Code == CodeQueueDepthExceeded
}
