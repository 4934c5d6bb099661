package hubsim

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"
)

// logRecorder keeps the hub's log lines, and lets a test wait for one.
type logRecorder struct {
	mu      sync.Mutex
	lines   []string
	changed chan struct{}
}

func newLogRecorder() *logRecorder { return &logRecorder{changed: make(chan struct{}, 1)} }

func (r *logRecorder) logger() *slog.Logger {
	return slog.New(slog.NewTextHandler(r, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

func (r *logRecorder) Write(p []byte) (int, error) {
	r.mu.Lock()
	r.lines = append(r.lines, string(p))
	r.mu.Unlock()
	select {
	case r.changed <- struct{}{}:
	default:
	}
	return len(p), nil
}

func (r *logRecorder) all() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return strings.Join(r.lines, "")
}

// waitFor returns the first line holding every part.
func (r *logRecorder) waitFor(t testing.TB, parts ...string) string {
	t.Helper()
	ctx := waitCtx(t)
	for {
		r.mu.Lock()
		for _, l := range r.lines {
			found := true
			for _, p := range parts {
				found = found && strings.Contains(l, p)
			}
			if found {
				r.mu.Unlock()
				return l
			}
		}
		r.mu.Unlock()
		select {
		case <-r.changed:
		case <-ctx.Done():
			t.Fatalf("no log line holds %q; the log:\n%s", parts, r.all())
		}
	}
}

func TestTelemetryOverTheLimitClosesTheConnection(t *testing.T) {
	rec := newLogRecorder()
	s := startHub(t, Config{Logger: rec.logger(), Devices: []DeviceRecord{{DeviceID: "dev1"}}})
	tests := []struct {
		name   string
		size   int
		reason string
	}{
		{"message just over 256 KB", maxMessageSize + 1, "device-to-cloud message"},
		{"packet of 5 MiB", 5 << 20, "larger than"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ss := connect(t, s, deviceLogin(t, s, "dev1"))
			ss.client.Publish("devices/dev1/messages/events/", 1, false, make([]byte, tc.size))
			ss.waitLost(t)
			if err := s.WaitConnected(waitCtx(t), "dev1", false); err != nil {
				t.Fatal(err)
			}
			if d, _ := s.LastDisconnect("dev1"); !strings.Contains(d.Reason, tc.reason) {
				t.Fatalf("reason %q, want one naming %q", d.Reason, tc.reason)
			}
			rec.waitFor(t, "connection closed", "client=dev1", tc.reason)
		})
	}
	t.Run("message at the limit", func(t *testing.T) {
		ss := connect(t, s, deviceLogin(t, s, "dev1"))
		ss.publish(t, "devices/dev1/messages/events/", 1, make([]byte, maxMessageSize))
		if !ss.client.IsConnectionOpen() {
			t.Fatal("a message at the limit closed the connection")
		}
	})
}

// reportedPatch publishes a reported patch and returns the status the hub
// answers with.
func reportedPatch(t *testing.T, ss *session, rid int, body []byte) string {
	t.Helper()
	ss.publish(t, fmt.Sprintf("$iothub/twin/PATCH/properties/reported/?$rid=%d", rid), 1, body)
	m := ss.next(t)
	status, _, _ := strings.Cut(strings.TrimPrefix(m.Topic(), "$iothub/twin/res/"), "/")
	if !strings.Contains(m.Topic(), fmt.Sprintf("$rid=%d", rid)) {
		t.Fatalf("answer on %s for rid %d", m.Topic(), rid)
	}
	return status
}

// bigProps is a twin patch {"name": "xxx…"} of about n bytes as IoT Hub
// counts them.
func bigProps(name string, n int) []byte {
	b, _ := json.Marshal(map[string]string{name: strings.Repeat("x", n-len(name))})
	return b
}

func TestReportedPropertiesLimit(t *testing.T) {
	s := startHub(t, Config{Devices: []DeviceRecord{{DeviceID: "dev1"}}})
	ss := connect(t, s, deviceLogin(t, s, "dev1"))
	ss.subscribe(t, filterTwinResponses)
	steps := []struct {
		name string
		body []byte
		want string
	}{
		{"20 KB fits", bigProps("a", 20<<10), "204"},
		{"another 20 KB would pass 32 KB", bigProps("b", 20<<10), "400"},
		{"one patch of 40 KB", bigProps("c", 40<<10), "400"},
		{"a small change still fits", []byte(`{"n":1}`), "204"},
		{"deleting makes room", []byte(`{"a":null}`), "204"},
		{"then 20 KB more fits", bigProps("b", 20<<10), "204"},
	}
	for i, st := range steps {
		if got := reportedPatch(t, ss, i+1, st.body); got != st.want {
			t.Fatalf("%s: status %s, want %s", st.name, got, st.want)
		}
	}
	if !ss.client.IsConnectionOpen() {
		t.Fatal("a refused patch closed the connection")
	}
	var twin struct {
		Properties struct{ Reported map[string]any } `json:"properties"`
	}
	doc, _ := s.Twin("dev1")
	if err := json.Unmarshal(doc, &twin); err != nil {
		t.Fatal(err)
	}
	if _, ok := twin.Properties.Reported["c"]; ok || twin.Properties.Reported["b"] == nil {
		t.Fatalf("reported holds %d keys; the refused patch must leave no trace", len(twin.Properties.Reported))
	}
}

func TestDesiredAndTagsLimits(t *testing.T) {
	s := startHub(t, Config{Devices: []DeviceRecord{{DeviceID: "dev1"}}})
	if _, err := s.UpdateDesired("dev1", bigProps("d", 33<<10)); err == nil {
		t.Fatal("desired properties of 33 KB were taken")
	} else if se, ok := asServiceError(err); !ok || se.Status != 400 {
		t.Fatalf("error %v, want a 400", err)
	}
	auth := policyToken(t, s, "service", time.Now().Add(time.Hour))
	tags := fmt.Sprintf(`{"tags":%s}`, bigProps("site", 9<<10))
	status, body := call(t, s, "PATCH", "/twins/dev1?api-version=2021-04-12", auth, []byte(tags), nil)
	if status != 400 || !bytes.Contains(body, []byte("ErrorCode:ArgumentInvalid;")) {
		t.Fatalf("tags of 9 KB: status %d (%s), want 400 ArgumentInvalid", status, body)
	}
	desired := fmt.Sprintf(`{"properties":{"desired":%s}}`, bigProps("rate", 30<<10))
	if status, body := call(t, s, "PATCH", "/twins/dev1?api-version=2021-04-12", auth, []byte(desired), nil); status != 200 {
		t.Fatalf("desired of 30 KB: status %d (%s)", status, body)
	}
}

func TestTwinSizeCountsAsIoTHub(t *testing.T) {
	var doc map[string]any
	if err := json.Unmarshal([]byte(`{"ab":"héllo\u0001","n":1.5,"ok":true,"none":null,"o":{"k":"v"}}`), &doc); err != nil {
		t.Fatal(err)
	}
	// ab: 2+5 (the control character is not counted), n: 1+8, ok: 2+4,
	// none: 4+0, o: 1 + (k: 1+1).
	if got, want := twinSize(doc), 7+9+6+4+3; got != want {
		t.Fatalf("twinSize = %d, want %d", got, want)
	}
}

func TestTelemetryKeptWithinItsByteBound(t *testing.T) {
	s := startHub(t, Config{TelemetryKeepBytes: 1000, Devices: []DeviceRecord{{DeviceID: "dev1"}}})
	ss := connect(t, s, deviceLogin(t, s, "dev1"))
	for i := range 3 {
		ss.publish(t, "devices/dev1/messages/events/", 1, bytes.Repeat([]byte{byte('a' + i)}, 400))
	}
	if _, err := s.WaitTelemetry(waitCtx(t), "dev1", func(m TelemetryMessage) bool { return m.Payload[0] == 'c' }); err != nil {
		t.Fatal(err)
	}
	got := s.Telemetry("dev1", time.Time{})
	if len(got) != 2 || got[0].Payload[0] != 'b' {
		t.Fatalf("kept %d messages; want the last two within 1000 bytes", len(got))
	}
	// One message larger than the bound is kept alone: the newest always is.
	ss.publish(t, "devices/dev1/messages/events/", 1, bytes.Repeat([]byte{'d'}, 1500))
	if _, err := s.WaitTelemetry(waitCtx(t), "dev1", func(m TelemetryMessage) bool { return m.Payload[0] == 'd' }); err != nil {
		t.Fatal(err)
	}
	if got := s.Telemetry("dev1", time.Time{}); len(got) != 1 {
		t.Fatalf("kept %d messages after one over the bound, want 1", len(got))
	}
}

func TestRESTBodyLimitsAndDeviceIDs(t *testing.T) {
	s := startHub(t, Config{Devices: []DeviceRecord{{DeviceID: "dev1"}}})
	owner := policyToken(t, s, "iothubowner", time.Now().Add(time.Hour))
	tests := []struct {
		name, method, path string
		body               []byte
		want               int
		errorCode          string
	}{
		{"C2D over 64 KB", "POST", "/devices/dev1/messages/deviceBound", make([]byte, maxC2DSize+1), 413, "MessageTooLarge"},
		{"C2D at 64 KB", "POST", "/devices/dev1/messages/deviceBound", make([]byte, maxC2DSize), 204, ""},
		{"device body of 1 MiB", "PUT", "/devices/big", make([]byte, 1<<20), 413, "MessageTooLarge"},
		{"device id with a space", "PUT", "/devices/bad%20id", []byte(`{}`), 400, "ArgumentInvalid"},
		{"device id with a slash", "PUT", "/devices/a%2Fb", []byte(`{}`), 400, "ArgumentInvalid"},
		{"device id not UTF-8", "PUT", "/devices/%FF%FE", []byte(`{}`), 400, "ArgumentInvalid"},
		{"device id of 129 characters", "PUT", "/devices/" + strings.Repeat("a", 129), []byte(`{}`), 400, "ArgumentInvalid"},
		{"group body of 1 MiB", "PUT", "/enrollmentGroups/g", make([]byte, 1<<20), 413, "MessageTooLarge"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			status, body := call(t, s, tc.method, tc.path+"?api-version=2021-04-12", owner, tc.body, nil)
			if status != tc.want {
				t.Fatalf("status %d (%.200s), want %d", status, body, tc.want)
			}
			if tc.errorCode == "" {
				return
			}
			var e struct{ Message, ExceptionMessage string }
			if err := json.Unmarshal(body, &e); err != nil || !strings.HasPrefix(e.Message, "ErrorCode:"+tc.errorCode+";") || e.ExceptionMessage == "" {
				t.Fatalf("body %s, want IoT Hub's error shape with %s", body, tc.errorCode)
			}
		})
	}
}

func TestAddDeviceRefusesAnIllegalID(t *testing.T) {
	s, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.AddDevice("no spaces")
	if se, ok := asServiceError(err); !ok || se.Status != 400 || se.Code != CodeArgumentInvalid {
		t.Fatalf("AddDevice: %v, want 400 ArgumentInvalid", err)
	}
}

// IoT Hub takes symmetric keys of 16 to 64 bytes in base64, for devices
// and enrollments alike, and refuses others with 400.
func TestSymmetricKeyLengths(t *testing.T) {
	s := startHub(t, Config{})
	owner := policyToken(t, s, "iothubowner", time.Now().Add(time.Hour))
	key := func(n int) string { return base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{7}, n)) }
	tests := []struct {
		name, key string
		want      int
	}{
		{"1 byte", key(1), 400},
		{"15 bytes", key(15), 400},
		{"16 bytes", key(16), 200},
		{"64 bytes", key(64), 200},
		{"65 bytes", key(65), 400},
		{"not base64", "not base64!", 400},
		{"unpadded 32 bytes", strings.TrimRight(key(32), "="), 200},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			body := fmt.Sprintf(`{"authentication":{"type":"sas","symmetricKey":{"primaryKey":%q,"secondaryKey":""}}}`, tc.key)
			status, resp := call(t, s, "PUT", fmt.Sprintf("/devices/k%d?api-version=2021-04-12", i), owner, []byte(body), nil)
			if status != tc.want {
				t.Fatalf("device: status %d (%s), want %d", status, resp, tc.want)
			}
			enrollment := fmt.Sprintf(`{"attestation":{"type":"symmetricKey","symmetricKey":{"primaryKey":%q}}}`, tc.key)
			status, resp = call(t, s, "PUT", fmt.Sprintf("/enrollmentGroups/g%d?api-version=2021-10-01", i), owner, []byte(enrollment), nil)
			if status != tc.want {
				t.Fatalf("enrollment group: status %d (%s), want %d", status, resp, tc.want)
			}
			status, resp = call(t, s, "PUT", fmt.Sprintf("/enrollments/e%d?api-version=2021-10-01", i), owner, []byte(enrollment), nil)
			if status != tc.want {
				t.Fatalf("enrollment: status %d (%s), want %d", status, resp, tc.want)
			}
		})
	}
}
