package hubsim

import (
	"fmt"
	"net/url"
	"reflect"
	"strings"
	"testing"
)

func TestC2DDeliveredWithProperties(t *testing.T) {
	s := startHub(t, Config{Devices: []DeviceRecord{{DeviceID: "dev1"}}})
	ss := connect(t, s, deviceLogin(t, s, "dev1"))
	ss.subscribe(t, deviceboundFilter("dev1"))

	tests := []struct {
		name      string
		msg       C2DMessage
		wantTopic string
		wantProps map[string]string // as a client decodes them with url.ParseQuery
	}{
		{
			name:      "system and application properties",
			msg:       C2DMessage{Payload: []byte(`{"led":"on"}`), MessageID: "m1", CorrelationID: "c 1", ContentType: "application/json", Properties: map[string]string{"color": "red & blue", "$weird": "a/b", "empty": ""}},
			wantTopic: "devices/dev1/messages/devicebound/%24.mid=m1&%24.cid=c%201&%24.to=%2Fdevices%2Fdev1%2Fmessages%2Fdevicebound&%24.ct=application%2Fjson&%24weird=a%2Fb&color=red%20%26%20blue&empty=",
			wantProps: map[string]string{"$.mid": "m1", "$.cid": "c 1", "$.to": "/devices/dev1/messages/devicebound", "$.ct": "application/json", "$weird": "a/b", "color": "red & blue", "empty": ""},
		},
		{
			name:      "user id, encoding and unicode",
			msg:       C2DMessage{Payload: []byte("x"), MessageID: "m2", UserID: "ops", ContentEncoding: "utf-8", Properties: map[string]string{"名": "值=1"}},
			wantTopic: "devices/dev1/messages/devicebound/%24.mid=m2&%24.uid=ops&%24.to=%2Fdevices%2Fdev1%2Fmessages%2Fdevicebound&%24.ce=utf-8&%E5%90%8D=%E5%80%BC%3D1",
			wantProps: map[string]string{"$.mid": "m2", "$.uid": "ops", "$.to": "/devices/dev1/messages/devicebound", "$.ce": "utf-8", "名": "值=1"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := s.SendC2D("dev1", tc.msg); err != nil {
				t.Fatal(err)
			}
			m := ss.next(t)
			if m.Topic() != tc.wantTopic {
				t.Errorf("topic\n got %s\nwant %s", m.Topic(), tc.wantTopic)
			}
			if m.Qos() != 1 || string(m.Payload()) != string(tc.msg.Payload) {
				t.Errorf("qos %d payload %q", m.Qos(), m.Payload())
			}
			q, err := url.ParseQuery(strings.TrimPrefix(m.Topic(), "devices/dev1/messages/devicebound/"))
			if err != nil {
				t.Fatal(err)
			}
			if len(q) != len(tc.wantProps) {
				t.Errorf("got %d properties %v, want %v", len(q), q, tc.wantProps)
			}
			for k, v := range tc.wantProps {
				if q.Get(k) != v {
					t.Errorf("property %q = %q, want %q", k, q.Get(k), v)
				}
			}
		})
	}
}

func TestC2DQueuedWhileOffline(t *testing.T) {
	tests := []struct {
		name string
		// before: what the device did before the messages were sent
		before func(t *testing.T, s *Server)
		// resume: how it comes back; it must then receive the messages
		resume func(t *testing.T, s *Server) *session
	}{
		{
			name:   "never connected, subscribes on first connect",
			before: func(t *testing.T, s *Server) {},
			resume: func(t *testing.T, s *Server) *session {
				ss := connect(t, s, deviceLogin(t, s, "dev1"))
				ss.subscribe(t, deviceboundFilter("dev1"))
				return ss
			},
		},
		{
			name: "persistent session resumed without subscribing again",
			before: func(t *testing.T, s *Server) {
				l := deviceLogin(t, s, "dev1")
				l.clean = false
				ss := connect(t, s, l)
				ss.subscribe(t, deviceboundFilter("dev1"))
				ss.client.Disconnect(0)
				if err := s.WaitConnected(waitCtx(t), "dev1", false); err != nil {
					t.Fatal(err)
				}
			},
			resume: func(t *testing.T, s *Server) *session {
				l := deviceLogin(t, s, "dev1")
				l.clean = false
				return connect(t, s, l)
			},
		},
		{
			name: "clean session, queue kept by the hub until the next subscribe",
			before: func(t *testing.T, s *Server) {
				ss := connect(t, s, deviceLogin(t, s, "dev1"))
				ss.subscribe(t, deviceboundFilter("dev1"))
				ss.client.Disconnect(0)
				if err := s.WaitConnected(waitCtx(t), "dev1", false); err != nil {
					t.Fatal(err)
				}
			},
			resume: func(t *testing.T, s *Server) *session {
				ss := connect(t, s, deviceLogin(t, s, "dev1"))
				ss.subscribe(t, deviceboundFilter("dev1"))
				return ss
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := startHub(t, Config{Devices: []DeviceRecord{{DeviceID: "dev1"}}})
			tc.before(t, s)
			want := []string{"first", "second", "third"}
			for _, p := range want {
				if err := s.SendC2D("dev1", C2DMessage{Payload: []byte(p), Properties: map[string]string{"n": p}}); err != nil {
					t.Fatal(err)
				}
			}
			ss := tc.resume(t, s)
			for _, p := range want {
				m := ss.next(t)
				if string(m.Payload()) != p || !strings.Contains(m.Topic(), "&n="+p) {
					t.Fatalf("got %q on %s, want %q", m.Payload(), m.Topic(), p)
				}
			}
		})
	}
}

func TestC2DRedeliveredUntilAcknowledged(t *testing.T) {
	s := startHub(t, Config{Devices: []DeviceRecord{{DeviceID: "dev1"}}})
	l := deviceLogin(t, s, "dev1")
	l.noAck = true
	first := connect(t, s, l)
	first.subscribe(t, deviceboundFilter("dev1"))
	if err := s.SendC2D("dev1", C2DMessage{Payload: []byte("must arrive"), MessageID: "keep"}); err != nil {
		t.Fatal(err)
	}
	if m := first.next(t); string(m.Payload()) != "must arrive" {
		t.Fatalf("got %q", m.Payload())
	}
	first.client.Disconnect(0) // without PUBACK, clean session
	if err := s.WaitConnected(waitCtx(t), "dev1", false); err != nil {
		t.Fatal(err)
	}
	second := connect(t, s, deviceLogin(t, s, "dev1"))
	second.subscribe(t, deviceboundFilter("dev1"))
	m := second.next(t)
	if string(m.Payload()) != "must arrive" || !strings.Contains(m.Topic(), "%24.mid=keep&") {
		t.Fatalf("redelivered %q on %s", m.Payload(), m.Topic())
	}
}

func TestC2DErrors(t *testing.T) {
	s := startHub(t, Config{Devices: []DeviceRecord{{DeviceID: "dev1"}}})
	for i := 0; i < maxC2DQueue; i++ {
		if err := s.SendC2D("dev1", C2DMessage{Payload: []byte("x")}); err != nil {
			t.Fatalf("message %d: %v", i, err)
		}
	}
	tests := []struct {
		name     string
		device   string
		wantCode int
	}{
		{"queue full", "dev1", CodeQueueDepthExceeded},
		{"unknown device", "ghost", CodeDeviceNotFound},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := s.SendC2D(tc.device, C2DMessage{Payload: []byte("x")})
			se, ok := asServiceError(err)
			if !ok || se.Code != tc.wantCode {
				t.Fatalf("err = %v, want code %d", err, tc.wantCode)
			}
		})
	}
}

// IoT Hub keeps a cloud-to-device message in the device's queue until the
// device acknowledges it, so a message delivered but not acknowledged still
// counts towards the 50. A hub that let the broker hold unacknowledged
// messages beyond that took messages it could not keep: the broker drops
// them silently when its own store is full.
func TestC2DQueueCountsUnacknowledgedMessages(t *testing.T) {
	s := startHub(t, Config{Devices: []DeviceRecord{{DeviceID: "dev1"}}})
	stalled := deviceLogin(t, s, "dev1")
	stalled.clean, stalled.noAck = false, true
	first := connect(t, s, stalled)
	first.subscribe(t, deviceboundFilter("dev1"))

	var accepted []string
	for i := 0; i <= maxC2DQueue; i++ {
		id := fmt.Sprintf("m%03d", i)
		err := s.SendC2D("dev1", C2DMessage{Payload: []byte(id), MessageID: id})
		if err != nil {
			if se, ok := asServiceError(err); !ok || se.Code != CodeQueueDepthExceeded {
				t.Fatalf("message %d: %v, want queue full", i, err)
			}
			break
		}
		accepted = append(accepted, id)
	}
	if len(accepted) != maxC2DQueue {
		t.Fatalf("the hub accepted %d unacknowledged messages, want %d", len(accepted), maxC2DQueue)
	}
	for range accepted {
		first.next(t) // delivered, never acknowledged
	}
	first.client.Disconnect(0)
	if err := s.WaitConnected(waitCtx(t), "dev1", false); err != nil {
		t.Fatal(err)
	}

	resumed := deviceLogin(t, s, "dev1")
	resumed.clean = false
	second := connect(t, s, resumed)
	for _, want := range accepted {
		m := second.next(t)
		if string(m.Payload()) != want || !m.Duplicate() {
			t.Fatalf("redelivered %q (dup=%v), want %q marked as a duplicate", m.Payload(), m.Duplicate(), want)
		}
	}
	// Acknowledged now: the queue takes messages again, and nothing else
	// was left in it.
	if err := s.WaitC2DQueue(waitCtx(t), "dev1", 0); err != nil {
		t.Fatal(err)
	}
	if err := s.SendC2D("dev1", C2DMessage{Payload: []byte("after")}); err != nil {
		t.Fatalf("queue still full after the acknowledgements: %v", err)
	}
	if m := second.next(t); string(m.Payload()) != "after" || m.Duplicate() {
		t.Fatalf("got %q (dup=%v), want the new message", m.Payload(), m.Duplicate())
	}
}

// Close names the messages the hub still held: one written to the device
// but never acknowledged, one that never left.
func TestC2DDroppedAtCloseAreReported(t *testing.T) {
	s := startHub(t, Config{Devices: []DeviceRecord{{DeviceID: "dev1"}}})
	l := deviceLogin(t, s, "dev1")
	l.noAck = true
	ss := connect(t, s, l)
	ss.subscribe(t, deviceboundFilter("dev1"))
	if err := s.SendC2D("dev1", C2DMessage{Payload: []byte("a"), MessageID: "sent"}); err != nil {
		t.Fatal(err)
	}
	ss.next(t)
	ss.client.Disconnect(0)
	if err := s.WaitConnected(waitCtx(t), "dev1", false); err != nil {
		t.Fatal(err)
	}
	if err := s.SendC2D("dev1", C2DMessage{Payload: []byte("b"), MessageID: "waiting"}); err != nil {
		t.Fatal(err)
	}
	if got := s.DroppedC2D(); len(got) != 0 {
		t.Fatalf("dropped before Close: %v", got)
	}
	s.Close()
	want := []DroppedC2D{{DeviceID: "dev1", MessageID: "sent", Sent: true}, {DeviceID: "dev1", MessageID: "waiting"}}
	if got := s.DroppedC2D(); !reflect.DeepEqual(got, want) {
		t.Errorf("dropped = %+v, want %+v", got, want)
	}
	if err := s.SendC2D("dev1", C2DMessage{Payload: []byte("c")}); err == nil {
		t.Error("a closed hub accepted a message")
	}
}
