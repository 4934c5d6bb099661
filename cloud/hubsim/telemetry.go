package hubsim

import (
	"context"
	"strings"
	"sync"
	"time"
)

// TelemetryMessage is one device-to-cloud message as the hub received it.
type TelemetryMessage struct {
	Received   time.Time         `json:"received"`
	Topic      string            `json:"topic"`
	Properties map[string]string `json:"properties"` // decoded property bag, system ones as "$.ct" etc.
	Payload    []byte            `json:"payload"`
}

// telemetryStore keeps the last messages of every device, standing in for
// the Event Hubs-compatible endpoint. Each device's share is bounded in
// messages and in payload bytes; the oldest go first.
type telemetryStore struct {
	mu        sync.Mutex
	keep      int
	keepBytes int
	now       func() time.Time
	byDevice  map[string][]TelemetryMessage
	bytes     map[string]int // payload bytes kept per device
	changed   *broadcast
}

func newTelemetryStore(keep, keepBytes int, now func() time.Time) *telemetryStore {
	return &telemetryStore{keep: keep, keepBytes: keepBytes, now: now,
		byDevice: map[string][]TelemetryMessage{}, bytes: map[string]int{}, changed: newBroadcast()}
}

func (t *telemetryStore) add(deviceID, topic string, payload []byte) {
	bag := strings.TrimPrefix(topic, telemetryPrefix(deviceID))
	if bag == topic { // published without the trailing '/'
		bag = ""
	}
	msg := TelemetryMessage{
		Received:   t.now(),
		Topic:      topic,
		Properties: decodeBag(bag),
		Payload:    append([]byte(nil), payload...),
	}
	t.mu.Lock()
	msgs := append(t.byDevice[deviceID], msg)
	size := t.bytes[deviceID] + len(msg.Payload)
	drop := 0
	for len(msgs)-drop > t.keep || (size > t.keepBytes && len(msgs)-drop > 1) {
		size -= len(msgs[drop].Payload)
		drop++
	}
	for i := range drop {
		msgs[i] = TelemetryMessage{} // frees the payload the array still holds
	}
	t.byDevice[deviceID] = msgs[drop:]
	t.bytes[deviceID] = size
	t.mu.Unlock()
	t.changed.notify()
}

// drop forgets a deleted device's telemetry.
func (t *telemetryStore) drop(deviceID string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.byDevice, deviceID)
	delete(t.bytes, deviceID)
}

// since returns copies of the kept messages received at or after since.
func (t *telemetryStore) since(deviceID string, since time.Time) []TelemetryMessage {
	t.mu.Lock()
	defer t.mu.Unlock()
	var out []TelemetryMessage
	for _, m := range t.byDevice[deviceID] {
		if !m.Received.Before(since) {
			out = append(out, m)
		}
	}
	return out
}

// Telemetry returns the kept telemetry of a device received at or after
// since, oldest first.
func (s *Server) Telemetry(deviceID string, since time.Time) []TelemetryMessage {
	return s.telemetry.since(deviceID, since)
}

// WaitTelemetry returns the first kept or newly arriving telemetry message
// of the device that match accepts (nil accepts any), or ctx's error.
func (s *Server) WaitTelemetry(ctx context.Context, deviceID string, match func(TelemetryMessage) bool) (TelemetryMessage, error) {
	for {
		changed := s.telemetry.changed.wait()
		for _, m := range s.telemetry.since(deviceID, time.Time{}) {
			if match == nil || match(m) {
				return m, nil
			}
		}
		select {
		case <-ctx.Done():
			return TelemetryMessage{}, ctx.Err()
		case <-changed:
		}
	}
}
