package hubsim

import (
	"encoding/json"
	"reflect"
	"testing"
)

func TestTwinOverMQTT(t *testing.T) {
	s := startHub(t, Config{Devices: []DeviceRecord{{DeviceID: "dev1"}}})
	ss := connect(t, s, deviceLogin(t, s, "dev1"))
	ss.subscribe(t, filterTwinResponses, filterDesired)

	steps := []struct {
		name      string
		topic     string
		body      string
		wantTopic string
		wantBody  string // JSON, compared structurally; "" = empty body
	}{
		{"get new twin", "$iothub/twin/GET/?$rid=1", "",
			"$iothub/twin/res/200/?$rid=1", `{"desired":{"$version":1},"reported":{"$version":1}}`},
		{"patch reported", "$iothub/twin/PATCH/properties/reported/?$rid=2", `{"fw":"1.0","net":{"rssi":-70,"op":"x"}}`,
			"$iothub/twin/res/204/?$rid=2&$version=2", ""},
		{"null deletes, objects merge", "$iothub/twin/PATCH/properties/reported/?$rid=3", `{"fw":null,"net":{"op":null,"rat":"LTE"}}`,
			"$iothub/twin/res/204/?$rid=3&$version=3", ""},
		{"get after patches", "$iothub/twin/GET/?$rid=4", "",
			"$iothub/twin/res/200/?$rid=4", `{"desired":{"$version":1},"reported":{"net":{"rssi":-70,"rat":"LTE"},"$version":3}}`},
		{"malformed patch", "$iothub/twin/PATCH/properties/reported/?$rid=5", `not json`,
			"$iothub/twin/res/400/?$rid=5", ""},
		{"array is not a patch", "$iothub/twin/PATCH/properties/reported/?$rid=6", `[1]`,
			"$iothub/twin/res/400/?$rid=6", ""},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			ss.publish(t, st.topic, 1, []byte(st.body))
			m := ss.next(t)
			if m.Topic() != st.wantTopic {
				t.Fatalf("answer on %q, want %q", m.Topic(), st.wantTopic)
			}
			if st.wantBody != "" {
				assertJSON(t, m.Payload(), st.wantBody)
			}
		})
	}

	t.Run("desired update pushed", func(t *testing.T) {
		version, err := s.UpdateDesired("dev1", json.RawMessage(`{"interval":30,"mode":{"eco":true}}`))
		if err != nil || version != 2 {
			t.Fatalf("UpdateDesired = %d, %v; want version 2", version, err)
		}
		m := ss.next(t)
		if m.Topic() != "$iothub/twin/PATCH/properties/desired/?$version=2" {
			t.Fatalf("push on %q", m.Topic())
		}
		assertJSON(t, m.Payload(), `{"interval":30,"mode":{"eco":true},"$version":2}`)
	})
	t.Run("service view", func(t *testing.T) {
		doc, err := s.Twin("dev1")
		if err != nil {
			t.Fatal(err)
		}
		var twin struct {
			DeviceID   string `json:"deviceId"`
			Properties struct {
				Desired  map[string]any `json:"desired"`
				Reported map[string]any `json:"reported"`
			} `json:"properties"`
		}
		if err := json.Unmarshal(doc, &twin); err != nil {
			t.Fatal(err)
		}
		if twin.DeviceID != "dev1" || twin.Properties.Desired["interval"] != 30.0 || twin.Properties.Reported["$version"] != 3.0 {
			t.Fatalf("twin %s", doc)
		}
	})
}

func assertJSON(t *testing.T, got []byte, want string) {
	t.Helper()
	var g, w any
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatalf("body %q is not JSON: %v", got, err)
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatalf("bad expectation %q: %v", want, err)
	}
	if !reflect.DeepEqual(g, w) {
		t.Fatalf("body\n got %s\nwant %s", got, want)
	}
}
