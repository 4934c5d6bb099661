package hubclient

import (
	"bytes"
	"encoding/json"
	"strings"

	mqtt "github.com/eclipse/paho.mqtt.golang"
)

// dispatch turns one incoming publish into an event or a twin answer. It
// runs on paho's delivery goroutine, so it only parses and hands off:
// nothing here waits for a reader. Acknowledgements are manual: a
// cloud-to-device message is acknowledged when the reader takes it (see
// eventQueue), everything else at once.
func (s *Session) dispatch(m mqtt.Message) {
	topic := m.Topic()
	if !strings.HasPrefix(topic, "devices/") {
		m.Ack()
	}
	payload := bytes.Clone(m.Payload())
	now := s.cfg.Now()
	switch {
	case strings.HasPrefix(topic, twinResponsePrefix):
		r, err := ParseTwinResponseTopic(topic)
		if err != nil {
			s.log.Warn("ignored twin answer", "topic", topic, "err", err)
			return
		}
		s.twin.resolve(r.RID, twinAnswer{status: r.Status, version: r.Version, body: payload})
	case strings.HasPrefix(topic, desiredPatchPrefix):
		version, err := ParseDesiredPatchTopic(topic)
		if err != nil {
			s.log.Warn("ignored desired patch", "topic", topic, "err", err)
			return
		}
		s.events.push(&DesiredPatch{Version: version, Patch: json.RawMessage(payload), Received: now})
	case strings.HasPrefix(topic, methodCallPrefix):
		name, rid, err := ParseMethodCallTopic(topic)
		if err != nil {
			s.log.Warn("ignored method call", "topic", topic, "err", err)
			return
		}
		s.events.push(&MethodCall{Name: name, RID: rid, Payload: payload, Received: now})
	case strings.HasPrefix(topic, "devices/"):
		_, bag, err := ParseC2DTopic(topic)
		if err != nil {
			m.Ack() // the hub would send it again and again
			s.log.Warn("ignored cloud-to-device message", "topic", topic, "err", err)
			return
		}
		app, sys := SplitSystemProperties(bag)
		msg := &C2DMessage{Topic: topic, Properties: app, System: sys, Payload: payload, Received: now}
		if !s.events.pushC2D(msg, m.Duplicate(), m.Ack) {
			s.log.Warn("cloud-to-device message left to the hub: too many wait for the reader", "mid", sys.MessageID)
		}
	default:
		s.log.Warn("ignored message on unexpected topic", "topic", topic)
	}
}
