package hubclient

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"
)

func TestEventJSON(t *testing.T) {
	at := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	bag, err := ParsePropertyBag("color=red&n")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		ev   Event
		want map[string]any
	}{
		{"c2d json payload", &C2DMessage{Topic: "devices/d/messages/devicebound/color=red", Properties: bag,
			System: SystemProperties{MessageID: "m1"}, Payload: []byte(`{"on":true}`), Received: at},
			map[string]any{"type": "c2d", "topic": "devices/d/messages/devicebound/color=red",
				"properties": map[string]any{"color": "red", "n": nil}, "system": map[string]any{"messageId": "m1"},
				"payload": map[string]any{"on": true}, "payloadFormat": "json", "received": "2030-01-02T03:04:05Z"}},
		{"c2d text payload", &C2DMessage{Payload: []byte("hello"), Received: at},
			map[string]any{"type": "c2d", "topic": "", "properties": map[string]any{}, "system": map[string]any{},
				"payload": "hello", "payloadFormat": "text", "received": "2030-01-02T03:04:05Z"}},
		{"method binary payload", &MethodCall{Name: "reboot", RID: "7", Payload: []byte{0xff, 0x00}, Received: at},
			map[string]any{"type": "method", "name": "reboot", "rid": "7", "payload": "/wA=", "payloadFormat": "base64",
				"received": "2030-01-02T03:04:05Z"}},
		{"twin", &DesiredPatch{Version: 4, Patch: json.RawMessage(`{"fan":2}`), Received: at},
			map[string]any{"type": "twin", "version": float64(4), "patch": map[string]any{"fan": float64(2)},
				"received": "2030-01-02T03:04:05Z"}},
		{"connection", &ConnectionState{State: StateReconnecting, Reason: ReasonRenewing, Addr: "h:8883",
			TokenExpiresAt: at, Dropped: 2, Time: at},
			map[string]any{"type": "connection", "state": "reconnecting", "reason": ReasonRenewing, "addr": "h:8883",
				"tokenExpiresAt": "2030-01-02T03:04:05Z", "dropped": float64(2), "time": "2030-01-02T03:04:05Z"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := json.Marshal(tt.ev)
			if err != nil {
				t.Fatal(err)
			}
			var got map[string]any
			if err := json.Unmarshal(b, &got); err != nil {
				t.Fatalf("output %s is not a JSON object: %v", b, err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("json = %s\nwant %v", b, tt.want)
			}
			if got["type"] != tt.ev.EventType() {
				t.Errorf("type %v != EventType() %q", got["type"], tt.ev.EventType())
			}
		})
	}
}
