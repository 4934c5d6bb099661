package hubsim

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"qpyhub/cloud"
)

// policyToken signs a service token with a policy of the hub.
func policyToken(t testing.TB, s *Server, policy string, expiry time.Time) string {
	t.Helper()
	cs, err := cloud.ParseConnectionString(s.PolicyConnectionString(policy))
	if err != nil {
		t.Fatalf("policy %s: %v", policy, err)
	}
	tok, err := cloud.NewSASToken(s.HostName(), cs.SharedAccessKey, policy, expiry)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// call sends one REST request and returns status and body.
func call(t testing.TB, s *Server, method, path, auth string, body []byte, header map[string]string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequestWithContext(waitCtx(t), method, s.HTTPURL()+path, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	hc := &http.Client{Transport: &http.Transport{TLSClientConfig: clientTLS(t, s)}}
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, b
}

func TestRESTAuthorization(t *testing.T) {
	s := startHub(t, Config{Devices: []DeviceRecord{{DeviceID: "dev1"}}})
	hour := time.Now().Add(time.Hour)
	owner := policyToken(t, s, "iothubowner", hour)
	forged := strings.Replace(owner, "sig=", "sig=AAAA", 1)
	tests := []struct {
		name, method, path, auth string
		want                     int
	}{
		{"no header", "GET", "/devices/dev1", "", 401},
		{"not a token", "GET", "/devices/dev1", "Bearer abc", 401},
		{"bad signature", "GET", "/devices/dev1", forged, 401},
		{"expired", "GET", "/devices/dev1", policyToken(t, s, "iothubowner", time.Now().Add(-time.Minute)), 401},
		{"device policy reads registry", "GET", "/devices/dev1", policyToken(t, s, "device", hour), 401},
		{"registryRead writes registry", "DELETE", "/devices/dev1", policyToken(t, s, "registryRead", hour), 401},
		{"service reads registry", "GET", "/devices/dev1", policyToken(t, s, "service", hour), 401},
		{"registryRead reads registry", "GET", "/devices/dev1", policyToken(t, s, "registryRead", hour), 200},
		{"service reads twin", "GET", "/twins/dev1", policyToken(t, s, "service", hour), 200},
		{"owner reads registry", "GET", "/devices/dev1", owner, 200},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			status, body := call(t, s, tc.method, tc.path+"?api-version=2021-04-12", tc.auth, nil, nil)
			if status != tc.want {
				t.Fatalf("status %d (%s), want %d", status, body, tc.want)
			}
			if status == 401 {
				var e struct{ Message, ExceptionMessage string }
				if err := json.Unmarshal(body, &e); err != nil || !strings.HasPrefix(e.Message, "ErrorCode:IotHubUnauthorizedAccess;") || e.ExceptionMessage == "" {
					t.Fatalf("401 body %s", body)
				}
			}
		})
	}
}

func TestRESTDeviceLifecycle(t *testing.T) {
	s := startHub(t, Config{})
	auth := policyToken(t, s, "registryReadWrite", time.Now().Add(time.Hour))
	create := []byte(`{"deviceId":"new-1","authentication":{"type":"sas","symmetricKey":{"primaryKey":"","secondaryKey":""}}}`)
	steps := []struct {
		name, method string
		body         []byte
		header       map[string]string
		want         int
	}{
		{"create", "PUT", create, nil, 200},
		{"create again", "PUT", create, nil, 409},
		{"get", "GET", nil, nil, 200},
		{"delete without If-Match", "DELETE", nil, nil, 412},
		{"delete", "DELETE", nil, map[string]string{"If-Match": `"*"`}, 204},
		{"get deleted", "GET", nil, nil, 404},
		{"delete deleted", "DELETE", nil, map[string]string{"If-Match": `"*"`}, 404},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			status, body := call(t, s, st.method, "/devices/new-1?api-version=2021-04-12", auth, st.body, st.header)
			if status != st.want {
				t.Fatalf("status %d (%s), want %d", status, body, st.want)
			}
			if st.name != "create" {
				return
			}
			var d deviceJSON
			if err := json.Unmarshal(body, &d); err != nil {
				t.Fatal(err)
			}
			rec, ok := s.Device("new-1")
			if !ok || d.Authentication.SymmetricKey.PrimaryKey == "" || d.Authentication.SymmetricKey.PrimaryKey != rec.PrimaryKey {
				t.Fatalf("created %+v, registry %+v", d, rec)
			}
			// The generated key works on MQTT.
			connect(t, s, deviceLogin(t, s, "new-1"))
		})
	}
}

func TestRESTServiceCalls(t *testing.T) {
	s := startHub(t, Config{Devices: []DeviceRecord{{DeviceID: "dev1"}}})
	auth := policyToken(t, s, "service", time.Now().Add(time.Hour))
	ss := connect(t, s, deviceLogin(t, s, "dev1"))
	ss.subscribe(t, deviceboundFilter("dev1"), filterDesired)

	t.Run("C2D with headers", func(t *testing.T) {
		status, body := call(t, s, "POST", "/devices/dev1/messages/deviceBound?api-version=2021-04-12", auth, []byte("hello"),
			map[string]string{"iothub-messageid": "rest-1", "iothub-correlationid": "c9", "iothub-app-Color": "green/blue", "Content-Type": "text/plain"})
		if status != 204 {
			t.Fatalf("status %d (%s)", status, body)
		}
		m := ss.next(t)
		q, err := url.ParseQuery(strings.TrimPrefix(m.Topic(), "devices/dev1/messages/devicebound/"))
		if err != nil {
			t.Fatal(err)
		}
		if string(m.Payload()) != "hello" || q.Get("$.mid") != "rest-1" || q.Get("$.cid") != "c9" || q.Get("color") != "green/blue" || q.Get("$.ct") != "text/plain" {
			t.Fatalf("got %q on %s", m.Payload(), m.Topic())
		}
	})
	t.Run("twin patch pushes desired", func(t *testing.T) {
		status, body := call(t, s, "PATCH", "/twins/dev1?api-version=2021-04-12", auth, []byte(`{"properties":{"desired":{"rate":5}}}`), nil)
		if status != 200 {
			t.Fatalf("status %d (%s)", status, body)
		}
		m := ss.next(t)
		if m.Topic() != "$iothub/twin/PATCH/properties/desired/?$version=2" {
			t.Fatalf("push on %s", m.Topic())
		}
		assertJSON(t, m.Payload(), `{"rate":5,"$version":2}`)
	})
	t.Run("method", func(t *testing.T) {
		answerMethods(t, ss, "200")
		status, body := call(t, s, "POST", "/twins/dev1/methods?api-version=2021-04-12", auth,
			[]byte(`{"methodName":"ping","payload":[1,2],"responseTimeoutInSeconds":10}`), nil)
		if status != 200 {
			t.Fatalf("status %d (%s)", status, body)
		}
		assertJSON(t, body, `{"status":200,"payload":{"got":[1,2]}}`)
	})
	t.Run("method on offline device", func(t *testing.T) {
		if _, err := s.AddDevice("dev2"); err != nil {
			t.Fatal(err)
		}
		status, body := call(t, s, "POST", "/twins/dev2/methods?api-version=2021-04-12", auth,
			[]byte(`{"methodName":"ping","responseTimeoutInSeconds":10}`), nil)
		if status != 404 || !strings.Contains(string(body), "DeviceNotOnline") {
			t.Fatalf("status %d (%s)", status, body)
		}
	})
}

func TestTelemetryStoreAndREST(t *testing.T) {
	s := startHub(t, Config{TelemetryKeep: 2, Devices: []DeviceRecord{{DeviceID: "dev1"}}})
	ss := connect(t, s, deviceLogin(t, s, "dev1"))
	before := time.Now().Add(-time.Second)
	msgs := []struct{ topic, payload string }{
		{"devices/dev1/messages/events/", "dropped by the ring"},
		{"devices/dev1/messages/events/$.ct=application%2Fjson&$.ce=utf-8&temp=20&flag", `{"t":20}`},
		{"devices/dev1/messages/events/%24.mid=m%201&alarm=a%26b", "second"},
	}
	for _, m := range msgs {
		ss.publish(t, m.topic, 1, []byte(m.payload))
	}
	got := s.Telemetry("dev1", before)
	if len(got) != 2 {
		t.Fatalf("kept %d messages, want 2", len(got))
	}
	wantProps := []map[string]string{
		{"$.ct": "application/json", "$.ce": "utf-8", "temp": "20", "flag": ""},
		{"$.mid": "m 1", "alarm": "a&b"},
	}
	for i, m := range got {
		if string(m.Payload) != msgs[i+1].payload || m.Topic != msgs[i+1].topic {
			t.Errorf("message %d: %q on %s", i, m.Payload, m.Topic)
		}
		if len(m.Properties) != len(wantProps[i]) {
			t.Errorf("message %d properties %v, want %v", i, m.Properties, wantProps[i])
		}
		for k, v := range wantProps[i] {
			if m.Properties[k] != v {
				t.Errorf("message %d property %q = %q, want %q", i, k, m.Properties[k], v)
			}
		}
	}
	auth := policyToken(t, s, "service", time.Now().Add(time.Hour))
	status, body := call(t, s, "GET", "/devices/dev1/messages/events?since="+url.QueryEscape(before.UTC().Format(time.RFC3339Nano)), auth, nil, nil)
	var viaREST []TelemetryMessage
	if status != 200 || json.Unmarshal(body, &viaREST) != nil || len(viaREST) != 2 || string(viaREST[1].Payload) != "second" {
		t.Fatalf("REST %d %s", status, body)
	}
	status, body = call(t, s, "GET", "/devices/dev1/messages/events?since="+url.QueryEscape(time.Now().Add(time.Hour).UTC().Format(time.RFC3339)), auth, nil, nil)
	if status != 200 || strings.TrimSpace(string(body)) != "[]" {
		t.Fatalf("REST with a future since: %d %s", status, body)
	}
}
