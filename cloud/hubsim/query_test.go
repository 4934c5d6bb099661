package hubsim

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"testing"
	"time"
)

// fleetSize is how many devices the query and job tests register.
const fleetSize = 300

// fleetDevice describes device i of the test fleet; the query cases
// compute their expected answers from it, apart from the hub.
type fleetDevice struct {
	id       string
	site     string  // tags.site
	floor    float64 // tags.floor
	model    string  // properties.reported.qpyhub.model
	interval float64 // properties.desired.interval, 0 = not set
	disabled bool
}

func fleetMember(i int) fleetDevice {
	d := fleetDevice{id: fmt.Sprintf("dev-%03d", i), site: "b", floor: float64(i % 10), model: "EC600N", disabled: i%7 == 0}
	if i%3 == 0 {
		d.site = "a"
	}
	if i%2 == 1 {
		d.model = "EG915U"
	}
	if i < 50 {
		d.interval = float64(i + 1)
	}
	return d
}

// startFleet runs a hub with fleetSize devices whose tags, reported and
// desired properties follow fleetMember.
func startFleet(t testing.TB) (*Server, []fleetDevice) {
	t.Helper()
	var recs []DeviceRecord
	var fleet []fleetDevice
	for i := range fleetSize {
		d := fleetMember(i)
		fleet = append(fleet, d)
		rec := DeviceRecord{DeviceID: d.id}
		if d.disabled {
			rec.Status = StatusDisabled
		}
		recs = append(recs, rec)
	}
	s := startHub(t, Config{Devices: recs})
	for _, d := range fleet {
		var desired map[string]any
		if d.interval != 0 {
			desired = map[string]any{"interval": d.interval}
		}
		if _, err := s.updateTwin(d.id, desired, map[string]any{"site": d.site, "floor": d.floor}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.twins.patchReported(d.id, []byte(`{"qpyhub":{"model":"`+d.model+`"}}`)); err != nil {
			t.Fatal(err)
		}
	}
	return s, fleet
}

// queryAll follows continuation tokens through every page over REST and
// returns the twins and how many pages it took.
func queryAll(t *testing.T, s *Server, query string, pageSize int) ([]map[string]any, int) {
	t.Helper()
	auth := policyToken(t, s, "registryRead", time.Now().Add(time.Hour))
	body, _ := json.Marshal(map[string]string{"query": query})
	var all []map[string]any
	token := ""
	for pages := 1; ; pages++ {
		header := map[string]string{"x-ms-max-item-count": fmt.Sprint(pageSize)}
		if token != "" {
			header["x-ms-continuation"] = token
		}
		resp := callFull(t, s, "POST", "/devices/query?api-version=2021-04-12", auth, body, header)
		if resp.status != http.StatusOK {
			t.Fatalf("query %q: status %d: %s", query, resp.status, resp.body)
		}
		if got := resp.header.Get("x-ms-item-type"); got != "DeviceTwin" {
			t.Errorf("x-ms-item-type %q, want DeviceTwin", got)
		}
		var page []map[string]any
		if err := json.Unmarshal(resp.body, &page); err != nil {
			t.Fatalf("page is not a JSON array: %v: %s", err, resp.body)
		}
		if len(page) > pageSize {
			t.Fatalf("page of %d twins, asked for at most %d", len(page), pageSize)
		}
		all = append(all, page...)
		token = resp.header.Get("x-ms-continuation")
		if _, present := resp.header["X-Ms-Continuation"]; !present {
			return all, pages
		}
		if pages > fleetSize {
			t.Fatal("the continuation never ends")
		}
	}
}

func TestQueryPagesThroughEveryDeviceOnce(t *testing.T) {
	s, fleet := startFleet(t)
	twins, pages := queryAll(t, s, "SELECT * FROM devices", 40)
	if len(twins) != len(fleet) {
		t.Fatalf("%d twins, want %d", len(twins), len(fleet))
	}
	if want := (len(fleet) + 39) / 40; pages != want {
		t.Errorf("%d pages, want %d", pages, want)
	}
	for i, tw := range twins {
		if tw["deviceId"] != fleet[i].id {
			t.Fatalf("twin %d is %v, want %s (each once, in id order)", i, tw["deviceId"], fleet[i].id)
		}
	}
	first := twins[0]
	for _, key := range []string{"status", "connectionState", "lastActivityTime", "etag", "version", "tags"} {
		if _, ok := first[key]; !ok {
			t.Errorf("twin lacks %q: %v", key, first)
		}
	}
	reported := first["properties"].(map[string]any)["reported"].(map[string]any)
	if _, ok := reported["$metadata"].(map[string]any)["$lastUpdated"]; !ok || reported["$version"] == nil {
		t.Errorf("reported properties lack $metadata.$lastUpdated or $version: %v", reported)
	}
}

func TestQueryForms(t *testing.T) {
	s, fleet := startFleet(t)
	connect(t, s, deviceLogin(t, s, "dev-004"))
	tests := []struct {
		where string
		want  func(d fleetDevice) bool
	}{
		{"deviceId = 'dev-042'", func(d fleetDevice) bool { return d.id == "dev-042" }},
		{"status = 'disabled'", func(d fleetDevice) bool { return d.disabled }},
		{"connectionState = 'Connected'", func(d fleetDevice) bool { return d.id == "dev-004" }},
		{"tags.site = 'a'", func(d fleetDevice) bool { return d.site == "a" }},
		{"tags.floor > 6", func(d fleetDevice) bool { return d.floor > 6 }},
		{"tags.floor < 2", func(d fleetDevice) bool { return d.floor < 2 }},
		{"properties.reported.qpyhub.model != 'EC600N'", func(d fleetDevice) bool { return d.model != "EC600N" }},
		{"properties.desired.interval >= 40", func(d fleetDevice) bool { return d.interval >= 40 }},
		{"tags.floor IN [1, 3, 5]", func(d fleetDevice) bool { return d.floor == 1 || d.floor == 3 || d.floor == 5 }},
		{"IS_DEFINED(properties.desired.interval)", func(d fleetDevice) bool { return d.interval != 0 }},
		{"NOT IS_DEFINED(properties.desired.interval)", func(d fleetDevice) bool { return d.interval == 0 }},
		{"tags.site = 'a' AND properties.reported.qpyhub.model = 'EG915U'", func(d fleetDevice) bool { return d.site == "a" && d.model == "EG915U" }},
		{"tags.floor = 0 OR status = 'disabled'", func(d fleetDevice) bool { return d.floor == 0 || d.disabled }},
		{"NOT (tags.site = 'a' OR tags.floor > 4)", func(d fleetDevice) bool { return !(d.site == "a" || d.floor > 4) }},
	}
	for _, tc := range tests {
		t.Run(tc.where, func(t *testing.T) {
			var want []string
			for _, d := range fleet {
				if tc.want(d) {
					want = append(want, d.id)
				}
			}
			twins, _ := queryAll(t, s, "SELECT * FROM devices WHERE "+tc.where, 25)
			var got []string
			for _, tw := range twins {
				got = append(got, tw["deviceId"].(string))
			}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Fatalf("got %d devices %v\nwant %d %v", len(got), got, len(want), want)
			}
		})
	}
}

func TestQueryRefusesBadRequests(t *testing.T) {
	s := startHub(t, Config{Devices: []DeviceRecord{{DeviceID: "dev1"}}})
	auth := policyToken(t, s, "iothubowner", time.Now().Add(time.Hour))
	tests := []struct {
		name, body string
		header     map[string]string
		want       int
	}{
		{"not a query", `{"query":"DELETE FROM devices"}`, nil, 400},
		{"unclosed string", `{"query":"SELECT * FROM devices WHERE tags.a = 'x"}`, nil, 400},
		{"foreign continuation", `{"query":"SELECT * FROM devices"}`, map[string]string{"x-ms-continuation": "abc"}, 400},
		{"zero page", `{"query":"SELECT * FROM devices"}`, map[string]string{"x-ms-max-item-count": "0"}, 400},
		{"device policy", `{"query":"SELECT * FROM devices"}`, map[string]string{"Authorization": policyToken(t, s, "device", time.Now().Add(time.Hour))}, 401},
		{"fine", `{"query":"SELECT * FROM devices"}`, nil, 200},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			status, body := call(t, s, "POST", "/devices/query?api-version=2021-04-12", auth, []byte(tc.body), tc.header)
			if status != tc.want {
				t.Fatalf("status %d (%s), want %d", status, body, tc.want)
			}
		})
	}
}

// restAnswer is a REST answer with its headers.
type restAnswer struct {
	status int
	header http.Header
	body   []byte
}

// callFull sends one REST request and returns the whole answer.
func callFull(t testing.TB, s *Server, method, path, auth string, body []byte, header map[string]string) restAnswer {
	t.Helper()
	req, err := http.NewRequestWithContext(waitCtx(t), method, s.HTTPURL()+path, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", auth)
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
	return restAnswer{resp.StatusCode, resp.Header, b}
}
