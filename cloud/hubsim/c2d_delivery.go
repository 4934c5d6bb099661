package hubsim

import (
	"sync"

	mqtt "github.com/mochi-mqtt/server/v2"
	"github.com/mochi-mqtt/server/v2/packets"
)

// c2dFeed writes one device's queue to one of its connections, in order,
// on its own goroutine, so a device that reads slowly never holds up
// SendC2D.
type c2dFeed struct {
	cl   *mqtt.Client
	wake chan struct{} // buffered 1: there may be something to write
	done chan struct{} // closed when the connection stops being the device's
	once sync.Once
}

// poke wakes the feed; a nil feed (no connection listens) ignores it.
func (f *c2dFeed) poke() {
	if f == nil {
		return
	}
	select {
	case f.wake <- struct{}{}:
	default:
	}
}

func (f *c2dFeed) stop() {
	if f != nil {
		f.once.Do(func() { close(f.done) })
	}
}

// flush starts delivering to the device's current connection if it
// subscribes to devicebound. The broker hooks call it when a session is
// established (a resumed session keeps its subscription) and when a SUBACK
// went out.
func (q *c2dQueue) flush(deviceID string) {
	cl := q.current(deviceID)
	if cl == nil || cl.Closed() || !subscribed(cl, deviceboundFilter(deviceID)) {
		return
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed {
		return
	}
	d := q.device(deviceID)
	if d.feed != nil && d.feed.cl == cl {
		d.feed.poke()
		return
	}
	d.feed.stop() // an earlier connection's, taken over
	f := &c2dFeed{cl: cl, wake: make(chan struct{}, 1), done: make(chan struct{})}
	d.feed = f
	f.poke()
	go q.deliver(deviceID, f)
}

// detach ends the delivery over a connection that closed. What it wrote
// and the device did not acknowledge goes out again, marked as a
// duplicate, on the device's next connection.
func (q *c2dQueue) detach(cl *mqtt.Client) {
	q.mu.Lock()
	defer q.mu.Unlock()
	d, ok := q.devices[cl.ID]
	if !ok || d.feed == nil || d.feed.cl != cl {
		return
	}
	d.feed.stop()
	d.feed = nil
	if len(d.msgs) == 0 {
		delete(q.devices, cl.ID)
	}
}

// deliver writes whatever the feed has not written yet, each time it is
// woken, until the connection is no longer the device's or a write fails
// (the connection is ending; detach follows).
func (q *c2dQueue) deliver(deviceID string, f *c2dFeed) {
	defer q.retire(deviceID, f)
	for {
		select {
		case <-f.wake:
		case <-f.done:
			return
		}
		for {
			batch := q.unsent(deviceID, f)
			if len(batch) == 0 {
				break
			}
			for _, pk := range batch {
				if err := f.cl.WritePacket(pk); err != nil {
					return
				}
			}
		}
	}
}

// retire unregisters a feed that stopped on its own.
func (q *c2dQueue) retire(deviceID string, f *c2dFeed) {
	f.stop()
	q.mu.Lock()
	defer q.mu.Unlock()
	if d, ok := q.devices[deviceID]; ok && d.feed == f {
		d.feed = nil
	}
}

// unsent returns, as QoS 1 publishes, the messages f has not written yet,
// and marks them written by f. A message keeps its packet id for good and
// is marked as a duplicate when written again. Messages that expired are
// dropped, as IoT Hub dead-letters them.
func (q *c2dQueue) unsent(deviceID string, f *c2dFeed) []packets.Packet {
	q.mu.Lock()
	defer q.mu.Unlock()
	d, ok := q.devices[deviceID]
	if !ok || d.feed != f {
		return nil
	}
	now := q.now()
	live := d.msgs[:0]
	for _, m := range d.msgs {
		if m.expiry.IsZero() || !now.After(m.expiry) {
			live = append(live, m)
		}
	}
	if len(live) < len(d.msgs) {
		clear(d.msgs[len(live):])
		q.changed.notify()
	}
	d.msgs = live
	var out []packets.Packet
	for _, m := range d.msgs {
		if m.sentBy == f {
			continue
		}
		if m.pid == 0 {
			m.pid = d.nextPID()
		}
		out = append(out, packets.Packet{
			FixedHeader: packets.FixedHeader{Type: packets.Publish, Qos: 1, Dup: m.sentBy != nil},
			TopicName:   m.topic,
			Payload:     m.payload,
			PacketID:    m.pid,
		})
		m.sentBy = f
	}
	return out
}

// c2dHook shows the queue the acknowledgements devices send and the
// connections that end.
type c2dHook struct {
	mqtt.HookBase
	q *c2dQueue
}

func (h *c2dHook) ID() string { return "iothub-c2d" }

func (h *c2dHook) Provides(b byte) bool {
	return b == mqtt.OnPacketRead || b == mqtt.OnDisconnect
}

func (h *c2dHook) OnPacketRead(cl *mqtt.Client, pk packets.Packet) (packets.Packet, error) {
	if pk.FixedHeader.Type == packets.Puback {
		h.q.acknowledged(cl.ID, pk.PacketID)
	}
	return pk, nil
}

func (h *c2dHook) OnDisconnect(cl *mqtt.Client, err error, expire bool) {
	h.q.detach(cl)
}
