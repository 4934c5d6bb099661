package hubsim

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	paho "github.com/eclipse/paho.mqtt.golang"
)

// answerMethods makes a session answer every method call with status and
// body, echoing the request payload under "got".
func answerMethods(t *testing.T, ss *session, status string) {
	tok := ss.client.Subscribe(filterMethods, 0, func(c paho.Client, m paho.Message) {
		_, query, _ := strings.Cut(m.Topic(), "?")
		body := `{"got":` + string(m.Payload()) + `}`
		c.Publish("$iothub/methods/res/"+status+"/?"+query, 0, false, body)
	})
	if !tok.WaitTimeout(waitLimit) || tok.Error() != nil {
		t.Fatalf("subscribe: %v", tok.Error())
	}
}

func TestInvokeMethod(t *testing.T) {
	s := startHub(t, Config{Devices: []DeviceRecord{{DeviceID: "answers"}, {DeviceID: "silent"}, {DeviceID: "offline"}}})
	answerMethods(t, connect(t, s, deviceLogin(t, s, "answers")), "201")
	connect(t, s, deviceLogin(t, s, "silent")).subscribe(t, filterMethods)

	tests := []struct {
		device      string
		timeout     time.Duration
		wantStatus  int
		wantPayload string
		wantHTTP    int // ServiceError status when the call fails
	}{
		{"answers", 10 * time.Second, 201, `{"got":{"n":1}}`, 0},
		{"silent", 50 * time.Millisecond, 0, "", http.StatusGatewayTimeout},
		{"offline", time.Second, 0, "", http.StatusNotFound},
		{"ghost", time.Second, 0, "", http.StatusNotFound},
	}
	for _, tc := range tests {
		t.Run(tc.device, func(t *testing.T) {
			status, payload, err := s.InvokeMethod(waitCtx(t), tc.device, "reboot", json.RawMessage(`{"n":1}`), tc.timeout)
			if tc.wantHTTP != 0 {
				se, ok := asServiceError(err)
				if !ok || se.Status != tc.wantHTTP {
					t.Fatalf("err = %v, want HTTP %d", err, tc.wantHTTP)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if status != tc.wantStatus {
				t.Errorf("status %d, want %d", status, tc.wantStatus)
			}
			assertJSON(t, payload, tc.wantPayload)
		})
	}
}

func TestInvokeMethodHonoursContext(t *testing.T) {
	s := startHub(t, Config{Devices: []DeviceRecord{{DeviceID: "silent"}}})
	connect(t, s, deviceLogin(t, s, "silent")).subscribe(t, filterMethods)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, _, err := s.InvokeMethod(ctx, "silent", "m", nil, time.Hour)
	if err == nil || !strings.Contains(err.Error(), context.Canceled.Error()) {
		t.Fatalf("err = %v, want the context's", err)
	}
}
