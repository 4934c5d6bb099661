package hubclient

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"testing"
	"time"

	"qpyhub/cloud/hubsim"
)

var transports = []struct {
	name      string
	websocket bool
}{
	{"tls", false},
	{"websocket", true},
}

func TestSessionReceivesC2D(t *testing.T) {
	for _, tr := range transports {
		t.Run(tr.name, func(t *testing.T) {
			ctx := testContext(t)
			hub := startHub(t, hubsim.Config{})
			id := addDevice(t, hub, "c2d-dev")
			s := connect(ctx, t, hubConfig(t, hub, id, tr.websocket))
			msg := hubsim.C2DMessage{
				Payload:       []byte(`{"led":"on"}`),
				Properties:    map[string]string{"color": "red", "$odd": "x", "path": "a/b&c=d e+f", "empty": ""},
				MessageID:     "mid-1",
				CorrelationID: "cid-1",
				ContentType:   "application/json",
			}
			if err := hub.SendC2D("c2d-dev", msg); err != nil {
				t.Fatalf("SendC2D: %v", err)
			}
			got := waitEvent[*C2DMessage](ctx, t, s, nil)
			if !bytes.Equal(got.Payload, msg.Payload) {
				t.Errorf("payload = %q, want %q", got.Payload, msg.Payload)
			}
			if !reflect.DeepEqual(got.Properties.Map(), msg.Properties) {
				t.Errorf("app properties = %v, want %v", got.Properties.Map(), msg.Properties)
			}
			wantSys := SystemProperties{MessageID: "mid-1", CorrelationID: "cid-1", ContentType: "application/json",
				To: "/devices/c2d-dev/messages/devicebound"}
			if got.System != wantSys {
				t.Errorf("system = %+v, want %+v", got.System, wantSys)
			}
		})
	}
}

func TestSessionSendsTelemetry(t *testing.T) {
	for _, tr := range transports {
		t.Run(tr.name, func(t *testing.T) {
			ctx := testContext(t)
			hub := startHub(t, hubsim.Config{})
			id := addDevice(t, hub, "d2c-dev")
			s := connect(ctx, t, hubConfig(t, hub, id, tr.websocket))
			props := map[string]string{"temp alert": "high&hot", "unit": "°C"}
			sys := SystemProperties{MessageID: "m-42", ContentType: "application/json", ContentEncoding: "utf-8"}
			payload := []byte(`{"t":21.5,"via":"` + tr.name + `"}`)
			if err := s.SendTelemetry(ctx, payload, props, sys); err != nil {
				t.Fatalf("SendTelemetry: %v", err)
			}
			got, err := hub.WaitTelemetry(ctx, "d2c-dev", func(m hubsim.TelemetryMessage) bool {
				return bytes.Equal(m.Payload, payload)
			})
			if err != nil {
				t.Fatalf("WaitTelemetry: %v", err)
			}
			want := map[string]string{"temp alert": "high&hot", "unit": "°C",
				"$.mid": "m-42", "$.ct": "application/json", "$.ce": "utf-8"}
			if !reflect.DeepEqual(got.Properties, want) {
				t.Errorf("hub saw properties %v, want %v", got.Properties, want)
			}
		})
	}
}

func TestSessionTwin(t *testing.T) {
	ctx := testContext(t)
	hub := startHub(t, hubsim.Config{})
	id := addDevice(t, hub, "twin-dev")
	s := connect(ctx, t, hubConfig(t, hub, id, false))

	v1, err := s.PatchReported(ctx, json.RawMessage(`{"firmware":"1.2","rssi":-71}`))
	if err != nil {
		t.Fatalf("PatchReported: %v", err)
	}
	v2, err := s.PatchReported(ctx, json.RawMessage(`{"rssi":-65}`))
	if err != nil {
		t.Fatalf("second PatchReported: %v", err)
	}
	if v2 <= v1 {
		t.Errorf("reported versions %d then %d, want increasing", v1, v2)
	}

	desiredVersion, err := hub.UpdateDesired("twin-dev", json.RawMessage(`{"interval":30}`))
	if err != nil {
		t.Fatalf("UpdateDesired: %v", err)
	}
	patch := waitEvent[*DesiredPatch](ctx, t, s, nil)
	if patch.Version != desiredVersion {
		t.Errorf("desired patch version = %d, want %d", patch.Version, desiredVersion)
	}
	var patched map[string]any
	if err := json.Unmarshal(patch.Patch, &patched); err != nil || patched["interval"] != float64(30) {
		t.Errorf("desired patch = %s (%v), want interval 30", patch.Patch, err)
	}

	raw, err := s.GetTwin(ctx)
	if err != nil {
		t.Fatalf("GetTwin: %v", err)
	}
	var twin struct {
		Desired  map[string]any `json:"desired"`
		Reported map[string]any `json:"reported"`
	}
	if err := json.Unmarshal(raw, &twin); err != nil {
		t.Fatalf("twin %s: %v", raw, err)
	}
	checks := []struct {
		name      string
		got, want any
	}{
		{"desired.interval", twin.Desired["interval"], float64(30)},
		{"reported.firmware", twin.Reported["firmware"], "1.2"},
		{"reported.rssi", twin.Reported["rssi"], float64(-65)},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %v, want %v (twin %s)", c.name, c.got, c.want, raw)
		}
	}
}

func TestSessionPatchReportedRejectsBadJSON(t *testing.T) {
	s, err := New(Config{Identity: testIdentity})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.PatchReported(context.Background(), json.RawMessage(`{bad`)); err == nil {
		t.Error("PatchReported accepted invalid JSON")
	}
}

func TestSessionDirectMethods(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		answer     bool
		status     int
		payload    json.RawMessage
		wantStatus int // from the hub's side; 504 for no answer
	}{
		{"answered", true, 200, json.RawMessage(`{"rebooting":true}`), 200},
		{"answered with error status", true, 404, json.RawMessage(`{"error":"no such led"}`), 404},
		{"not answered", false, 0, nil, 504},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := testContext(t)
			hub := startHub(t, hubsim.Config{})
			id := addDevice(t, hub, "method-dev")
			s := connect(ctx, t, hubConfig(t, hub, id, false))

			type result struct {
				status int
				resp   json.RawMessage
				err    error
			}
			done := make(chan result, 1)
			go func() {
				// the method's own response timeout, enforced by the hub
				status, resp, err := hub.InvokeMethod(ctx, "method-dev", "reboot", json.RawMessage(`{"delay":1}`), 2*time.Second)
				done <- result{status, resp, err}
			}()
			call := waitEvent[*MethodCall](ctx, t, s, nil)
			if call.Name != "reboot" || string(call.Payload) != `{"delay":1}` {
				t.Errorf("call = %s %s, want reboot {\"delay\":1}", call.Name, call.Payload)
			}
			if tt.answer {
				if err := s.AnswerMethod(ctx, call.RID, tt.status, tt.payload); err != nil {
					t.Fatalf("AnswerMethod: %v", err)
				}
			}
			var r result
			select {
			case r = <-done:
			case <-ctx.Done():
				t.Fatal("InvokeMethod did not return before the deadline")
			}
			if !tt.answer {
				var se *hubsim.ServiceError
				if !errors.As(r.err, &se) || se.Status != tt.wantStatus {
					t.Fatalf("InvokeMethod error = %v, want a %d service error", r.err, tt.wantStatus)
				}
				return
			}
			if r.err != nil || r.status != tt.wantStatus || !jsonEqual(r.resp, tt.payload) {
				t.Errorf("InvokeMethod = %d %s %v, want %d %s", r.status, r.resp, r.err, tt.wantStatus, tt.payload)
			}
		})
	}
}

func jsonEqual(a, b []byte) bool {
	var x, y any
	return json.Unmarshal(a, &x) == nil && json.Unmarshal(b, &y) == nil && reflect.DeepEqual(x, y)
}
