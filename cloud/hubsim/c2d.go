package hubsim

import (
	"crypto/rand"
	"fmt"
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

// queuedC2D is a message waiting for its device to subscribe.
type queuedC2D struct {
	topic   string
	payload []byte
	expiry  time.Time
}

// c2dQueue holds messages for devices that have no session subscribed to
// devicebound, and hands them to the broker once one exists. The broker's
// session state then keeps them (CleanSession=false) until acknowledged.
type c2dQueue struct {
	mu      sync.Mutex
	mq      *mqtt.Server
	now     func() time.Time
	pending map[string][]queuedC2D
}

func newC2DQueue(mq *mqtt.Server, now func() time.Time) *c2dQueue {
	return &c2dQueue{mq: mq, now: now, pending: map[string][]queuedC2D{}}
}

// SendC2D sends a message to a device: delivered at QoS 1 now if the
// device's session subscribes to devicebound, else queued (up to 50, like
// IoT Hub) until it does.
func (s *Server) SendC2D(deviceID string, msg C2DMessage) error {
	if _, ok := s.reg.device(deviceID); !ok {
		return errDeviceNotFound(deviceID)
	}
	if msg.MessageID == "" {
		msg.MessageID = newUUID()
	}
	return s.c2d.send(deviceID, queuedC2D{
		topic:   deviceboundTopic(deviceID) + encodeBag(c2dProperties(deviceID, msg)),
		payload: msg.Payload,
		expiry:  msg.Expiry,
	})
}

func (q *c2dQueue) send(deviceID string, m queuedC2D) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.pending[deviceID]) == 0 && q.deliverable(deviceID) {
		return q.publish(m)
	}
	if len(q.pending[deviceID]) >= maxC2DQueue {
		return errQueueFull(deviceID)
	}
	q.pending[deviceID] = append(q.pending[deviceID], m)
	return nil
}

// flush hands the queued messages of a device to the broker if it can
// take them now.
func (q *c2dQueue) flush(deviceID string) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.pending[deviceID]) == 0 || !q.deliverable(deviceID) {
		return
	}
	now := q.now()
	for _, m := range q.pending[deviceID] {
		if !m.expiry.IsZero() && now.After(m.expiry) {
			continue
		}
		_ = q.publish(m) // the broker keeps it in the session even if the write fails
	}
	delete(q.pending, deviceID)
}

// deliverable reports whether the device has a live connection whose
// session subscribes to devicebound. Messages for an offline device stay
// here rather than in the broker's session, which would not keep their
// order.
func (q *c2dQueue) deliverable(deviceID string) bool {
	cl, ok := q.mq.Clients.Get(deviceID)
	return ok && !cl.Closed() && subscribed(cl, deviceboundFilter(deviceID))
}

// requeue takes back a message the broker delivered but dropped before the
// device acknowledged it (a clean session ended): IoT Hub keeps a message
// until it is completed.
func (q *c2dQueue) requeue(deviceID string, m queuedC2D) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.pending[deviceID] = append(q.pending[deviceID], m)
}

func (q *c2dQueue) publish(m queuedC2D) error {
	if err := q.mq.Publish(m.topic, m.payload, false, 1); err != nil {
		return fmt.Errorf("hubsim: hand C2D message to the broker: %w", err)
	}
	return nil
}

func (q *c2dQueue) drop(deviceID string) {
	q.mu.Lock()
	defer q.mu.Unlock()
	delete(q.pending, deviceID)
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
