package twinquery

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

// twins is a small fleet as IoT Hub's query API answers it.
var twins = func() []map[string]any {
	src := []string{
		`{"deviceId":"ec600n-1","status":"enabled","connectionState":"Connected",
		  "tags":{"site":"a","line":3},
		  "properties":{"desired":{"qpyhub":{"heartbeat":60},"$version":4},
		                "reported":{"qpyhub":{"model":"EC600N","firmware":"V0001","heartbeat":60},"$version":7}}}`,
		`{"deviceId":"ec600u-2","status":"disabled","connectionState":"Disconnected",
		  "tags":{"site":"b"},
		  "properties":{"desired":{"$version":1},
		                "reported":{"qpyhub":{"model":"EC600U","heartbeat":300},"$version":2}}}`,
		`{"deviceId":"bare","status":"enabled","connectionState":"Disconnected",
		  "properties":{"desired":{},"reported":{}}}`,
	}
	var out []map[string]any
	for _, s := range src {
		var m map[string]any
		d := json.NewDecoder(strings.NewReader(s))
		d.UseNumber() // as the local hub decodes twins
		if err := d.Decode(&m); err != nil {
			panic(err)
		}
		out = append(out, m)
	}
	return out
}()

func matching(t *testing.T, q Query) string {
	t.Helper()
	var ids []string
	for _, tw := range twins {
		if q.Match(tw) {
			ids = append(ids, tw["deviceId"].(string))
		}
	}
	return strings.Join(ids, ",")
}

func TestQueriesSelectTheRightDevices(t *testing.T) {
	cases := []struct{ query, want string }{
		{"SELECT * FROM devices", "ec600n-1,ec600u-2,bare"},
		{"select * from DEVICES where deviceId = 'bare'", "bare"},
		{"SELECT * FROM devices WHERE status = 'enabled'", "ec600n-1,bare"},
		{"SELECT * FROM devices WHERE connectionState <> 'Connected'", "ec600u-2,bare"},
		{"SELECT * FROM devices WHERE tags.site = 'a' OR tags.site = 'b'", "ec600n-1,ec600u-2"},
		{"SELECT * FROM devices WHERE tags.line > 2", "ec600n-1"},
		{"SELECT * FROM devices WHERE tags.line >= 3 AND tags.line <= 3", "ec600n-1"},
		{"SELECT * FROM devices WHERE properties.reported.qpyhub.heartbeat < 100", "ec600n-1"},
		{"SELECT * FROM devices WHERE properties.desired.qpyhub.heartbeat = 60", "ec600n-1"},
		{"SELECT * FROM devices WHERE properties.reported.qpyhub.model IN ['EC600U', 'BG95']", "ec600u-2"},
		{"SELECT * FROM devices WHERE properties.reported.qpyhub.model NIN ['EC600U']", "ec600n-1"},
		{"SELECT * FROM devices WHERE IS_DEFINED(properties.reported.qpyhub.firmware)", "ec600n-1"},
		{"SELECT * FROM devices WHERE NOT IS_DEFINED(tags)", "bare"},
		// A property a twin lacks is neither equal nor unequal: NOT keeps it out.
		{"SELECT * FROM devices WHERE NOT tags.site = 'a'", "ec600u-2"},
		{"SELECT * FROM devices WHERE tags.site != 'a'", "ec600u-2"},
		{"SELECT * FROM devices WHERE (tags.site = 'a' OR status = 'disabled') AND NOT deviceId = 'ec600u-2'", "ec600n-1"},
		// Across types nothing matches.
		{"SELECT * FROM devices WHERE tags.line = '3'", ""},
		{"SELECT * FROM devices WHERE properties.reported.$version = 7", "ec600n-1"},
		{"SELECT * FROM devices WHERE DeviceId = 'bare'", "bare"},
		{`SELECT * FROM devices WHERE tags.site = "b"`, "ec600u-2"},
	}
	for _, c := range cases {
		q, err := Parse(c.query)
		if err != nil {
			t.Errorf("%s: %v", c.query, err)
			continue
		}
		if got := matching(t, q); got != c.want {
			t.Errorf("%s\n got  %q\n want %q", c.query, got, c.want)
		}
	}
}

func TestConditionsAsJobsSendThem(t *testing.T) {
	for cond, want := range map[string]string{
		"":                          "ec600n-1,ec600u-2,bare",
		"tags.site = 'a'":           "ec600n-1",
		"WHERE status = 'disabled'": "ec600u-2",
		"deviceId IN ['bare', 'x']": "bare",
	} {
		q, err := ParseCondition(cond)
		if err != nil {
			t.Fatalf("%q: %v", cond, err)
		}
		if got := matching(t, q); got != want {
			t.Errorf("%q: got %q want %q", cond, got, want)
		}
	}
}

func TestBadQueriesSayWhere(t *testing.T) {
	cases := []struct{ query, reason string }{
		{"SELECT deviceId FROM devices", "only SELECT * FROM devices"},
		{"SELECT * FROM devices.modules", "unexpected"},
		{"SELECT * FROM devices WHERE", "property name expected"},
		{"SELECT * FROM devices WHERE tags.a = ", "value expected"},
		{"SELECT * FROM devices WHERE tags.a = 'x", "string not closed"},
		{"SELECT * FROM devices WHERE tags.a ! 'x'", "'!' must be followed"},
		{"SELECT * FROM devices WHERE (tags.a = 1", "')' expected"},
		{"SELECT * FROM devices WHERE tags.a IN [1 2]", "',' or ']' expected"},
		{"SELECT * FROM devices WHERE tags.a = 1 tags.b = 2", "unexpected"},
		{"SELECT * FROM devices WHERE tags.a LIKE 'x'", "comparison expected"},
		{"SELECT * FROM devices WHERE tags.a = \xff", "not UTF-8"},
		{"SELECT * FROM devices WHERE tags.a = #", "unexpected character"},
	}
	for _, c := range cases {
		_, err := Parse(c.query)
		var se *SyntaxError
		if !errors.As(err, &se) || !strings.Contains(se.Error(), c.reason) {
			t.Errorf("%q: got %v, want a SyntaxError with %q", c.query, err, c.reason)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"SELECT * FROM devices WHERE tags.site = 'a' AND NOT IS_DEFINED(properties.reported.x)",
		"SELECT * FROM devices WHERE a IN [1, 'b', true, null] OR b <= -2.5e3",
		"SELECT * FROM devices WHERE ((a = 'it''s'))",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q, err := Parse(s)
		if err != nil {
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("%q: error of type %T", s, err)
			}
			return
		}
		for _, tw := range twins {
			q.Match(tw) // must not panic
		}
	})
}
