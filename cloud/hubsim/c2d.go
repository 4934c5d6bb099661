package hubsim

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sort"
	"sync"
	"time"

	mqtt "github.com/mochi-mqtt/server/v2"
)

// C2DMessage is a cloud-to-device message as a back end sends it.
type C2DMessage struct {
	Payload         []byte
	Properties      map[string]string // application properties
	MessageID       string            // $.mid; generated when empty
	CorrelationID   string            // $.cid
	To              string            // $.to; default /devices/{id}/messages/devicebound
	ContentType     string            // $.ct
	ContentEncoding string            // $.ce
	UserID          string            // $.uid
	Expiry          time.Time         // $.exp; zero = never; dropped undelivered after it
}

// DroppedC2D is a cloud-to-device message the hub still held when it
// closed. IoT Hub keeps its queues through restarts; the local hub keeps
// them in memory only, so it names what it drops instead of losing it
// silently.
type DroppedC2D struct {
	DeviceID  string
	MessageID string
	// Sent is true when the message was written to the device but not
	// acknowledged: it may have arrived. False: it never left the hub.
	Sent bool
}

var errHubClosedC2D = errors.New("hubsim: the hub is closed; it takes no cloud-to-device message")

// queuedC2D is one accepted message, held until the device acknowledges it.
type queuedC2D struct {
	id      string // $.mid
	topic   string
	payload []byte
	expiry  time.Time
	pid     uint16   // its packet id, fixed at the first write (0 before)
	sentBy  *c2dFeed // the delivery that last wrote it; nil: never written
}

// deviceC2D is one device's queue and its delivery, if a connection listens.
type deviceC2D struct {
	msgs    []*queuedC2D
	feed    *c2dFeed
	lastPID uint16
}

// c2dQueue holds each device's cloud-to-device messages as IoT Hub does:
// from the moment SendC2D accepts one until the device acknowledges it
// (PUBACK), whether it waits or was delivered, and at most maxC2DQueue per
// device. The queue writes the messages to the device's connection itself;
// the broker's own session store never holds them, because it drops
// messages silently when its limits are reached.
type c2dQueue struct {
	mu      sync.Mutex
	current func(deviceID string) *mqtt.Client // the device's live connection, or nil
	now     func() time.Time
	devices map[string]*deviceC2D
	changed *broadcast // a device's queue got shorter
	closed  bool
	dropped []DroppedC2D
}

func newC2DQueue(current func(deviceID string) *mqtt.Client, now func() time.Time) *c2dQueue {
	return &c2dQueue{current: current, now: now, devices: map[string]*deviceC2D{}, changed: newBroadcast()}
}

// SendC2D sends a message to a device: queued (up to 50 messages not yet
// acknowledged, like IoT Hub) and delivered at QoS 1 as soon as a
// connection of the device subscribes to devicebound, again on its next
// connection if it does not acknowledge.
func (s *Server) SendC2D(deviceID string, msg C2DMessage) error {
	if _, ok := s.reg.device(deviceID); !ok {
		return errDeviceNotFound(deviceID)
	}
	if msg.MessageID == "" {
		msg.MessageID = newUUID()
	}
	return s.c2d.send(deviceID, &queuedC2D{
		id:      msg.MessageID,
		topic:   deviceboundTopic(deviceID) + encodeBag(c2dProperties(deviceID, msg)),
		payload: msg.Payload,
		expiry:  msg.Expiry,
	})
}

// DroppedC2D lists the messages the hub held when Close ran; empty
// before Close.
func (s *Server) DroppedC2D() []DroppedC2D {
	s.c2d.mu.Lock()
	defer s.c2d.mu.Unlock()
	return append([]DroppedC2D(nil), s.c2d.dropped...)
}

// WaitC2DQueue waits until the device holds at most atMost messages,
// waiting or delivered but not yet acknowledged.
func (s *Server) WaitC2DQueue(ctx context.Context, deviceID string, atMost int) error {
	for {
		changed := s.c2d.changed.wait()
		if s.c2d.held(deviceID) <= atMost {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("hubsim: waiting for device %q to hold at most %d cloud-to-device messages: %w", deviceID, atMost, ctx.Err())
		case <-changed:
		}
	}
}

// QueuedC2D is how many messages the device holds, waiting or delivered
// but not yet acknowledged.
func (s *Server) QueuedC2D(deviceID string) int { return s.c2d.held(deviceID) }

func (q *c2dQueue) held(deviceID string) int {
	q.mu.Lock()
	defer q.mu.Unlock()
	if d, ok := q.devices[deviceID]; ok {
		return len(d.msgs)
	}
	return 0
}

func (q *c2dQueue) send(deviceID string, m *queuedC2D) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed {
		return errHubClosedC2D
	}
	d := q.device(deviceID)
	if len(d.msgs) >= maxC2DQueue {
		return errQueueFull(deviceID)
	}
	d.msgs = append(d.msgs, m)
	d.feed.poke()
	return nil
}

// device returns the device's queue, made on first use; q.mu is held.
func (q *c2dQueue) device(deviceID string) *deviceC2D {
	d, ok := q.devices[deviceID]
	if !ok {
		d = &deviceC2D{}
		q.devices[deviceID] = d
	}
	return d
}

// acknowledged completes the message a device's PUBACK names. Packet ids
// stay with a message across connections, so an acknowledgement that
// arrives on the next connection of a resumed session still counts.
func (q *c2dQueue) acknowledged(deviceID string, pid uint16) {
	q.mu.Lock()
	defer q.mu.Unlock()
	d, ok := q.devices[deviceID]
	if !ok || pid == 0 {
		return
	}
	for i, m := range d.msgs {
		if m.pid == pid {
			d.msgs = slices.Delete(d.msgs, i, i+1)
			q.changed.notify()
			break
		}
	}
	if len(d.msgs) == 0 && d.feed == nil {
		delete(q.devices, deviceID)
	}
}

// nextPID picks a packet id no message of the device uses; q.mu is held.
// A device holds at most maxC2DQueue of the 65535 ids, so the loop ends.
func (d *deviceC2D) nextPID() uint16 {
	for {
		d.lastPID++
		if d.lastPID == 0 {
			continue
		}
		if !d.pidInUse(d.lastPID) {
			return d.lastPID
		}
	}
}

func (d *deviceC2D) pidInUse(pid uint16) bool {
	for _, m := range d.msgs {
		if m.pid == pid {
			return true
		}
	}
	return false
}

// drop forgets a deleted device's messages, as IoT Hub purges its queue.
func (q *c2dQueue) drop(deviceID string) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if d, ok := q.devices[deviceID]; ok {
		d.feed.stop()
		delete(q.devices, deviceID)
		q.changed.notify()
	}
}

// close stops every delivery, keeps the list of messages still held and
// logs it, one line per device.
func (q *c2dQueue) close(log *slog.Logger) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed {
		return
	}
	q.closed = true
	ids := make([]string, 0, len(q.devices))
	for id := range q.devices {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		d := q.devices[id]
		d.feed.stop()
		sent := 0
		for _, m := range d.msgs {
			q.dropped = append(q.dropped, DroppedC2D{DeviceID: id, MessageID: m.id, Sent: m.sentBy != nil})
			if m.sentBy != nil {
				sent++
			}
		}
		if len(d.msgs) > 0 {
			log.Warn("cloud-to-device messages dropped as the hub closes", "device", id,
				"never_sent", len(d.msgs)-sent, "sent_unacknowledged", sent)
		}
	}
	clear(q.devices)
	q.changed.notify()
}

// c2dProperties lists the property bag of a devicebound topic: system
// properties first, in IoT Hub's order, then application properties by name.
func c2dProperties(deviceID string, msg C2DMessage) []bagPair {
	to := msg.To
	if to == "" {
		to = "/devices/" + deviceID + "/messages/devicebound"
	}
	var exp string
	if !msg.Expiry.IsZero() {
		exp = msg.Expiry.UTC().Format(time.RFC3339)
	}
	var pairs []bagPair
	for _, sp := range []struct{ key, value string }{
		{"$.mid", msg.MessageID},
		{"$.cid", msg.CorrelationID},
		{"$.uid", msg.UserID},
		{"$.to", to},
		{"$.exp", exp},
		{"$.ct", msg.ContentType},
		{"$.ce", msg.ContentEncoding},
	} {
		if sp.value != "" {
			v := sp.value
			pairs = append(pairs, bagPair{key: sp.key, value: &v})
		}
	}
	names := make([]string, 0, len(msg.Properties))
	for k := range msg.Properties {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		v := msg.Properties[k]
		pairs = append(pairs, bagPair{key: k, value: &v})
	}
	return pairs
}

// newUUID returns a random (version 4) UUID, the form IoT Hub uses for ids.
func newUUID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}
