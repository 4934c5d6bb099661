package probe

import (
	"encoding/json"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// healthyDoc is what the script prints for a healthy EC600N on LTE.
func healthyDoc() map[string]any {
	return map[string]any{
		"v": 1, "missing": []string{},
		"uname": []string{"sysname=EC600N", "release=1.13.0", "machine=EC600N with QUECTEL"},
		"model": "EC600N", "imei": "866327040000001", "firmware": "EC600NCNLCR01A01M08", "sn": "SN1",
		"sim_status": 1, "iccid": "89860012345678901234", "imsi": "460001234567890", "phone": "",
		"csq":      24,
		"state":    []any{[]int{1, 6220, 9548, 7, 0, 0}, []int{1, 6220, 9548, 7, 0, 0}},
		"operator": []string{"CHINA MOBILE", "CMCC", "460", "00"},
		"signal":   []any{[]int{99, 99, 255, 255}, []int{-60, -85, -9, 12}},
		"config":   []int{5, 0},
		"data": []any{[]any{1, 2, []any{1, 0, "10.64.12.34", "211.136.17.107", "211.136.20.203"},
			[]any{0, 0, "::", "::", "::"}}},
	}
}

// output wraps a document the way the module prints it, noise included.
func output(t *testing.T, doc map[string]any) string {
	t.Helper()
	b, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return "noise\r\n" + markBegin + "\r\n" + string(b) + "\r\n" + markEnd + "\r\n"
}

func with(over map[string]any) map[string]any {
	d := healthyDoc()
	for k, v := range over {
		if v == nil {
			delete(d, k)
			continue
		}
		d[k] = v
	}
	return d
}

func firstCode(r Report) string {
	if len(r.Problems) == 0 {
		return ""
	}
	return r.Problems[0].Code
}

func TestParseVerdict(t *testing.T) {
	notRegistered := func(state int) []any {
		return []any{[]int{state, 0, 0, 7, 0, 0}, []int{state, 0, 0, 7, 0, 0}}
	}
	inactive := []any{[]any{1, 2, []any{0, 0, "0.0.0.0", "0.0.0.0", "0.0.0.0"}, []any{0, 0, "::", "::", "::"}}}
	tests := []struct {
		name      string
		over      map[string]any
		ready     bool
		first     string
		simStatus int
		state     string
	}{
		{"healthy", nil, true, "", 1, "registered"},
		{"no SIM", map[string]any{"sim_status": 0, "iccid": -1}, false, ProblemSIM, 0, "registered"},
		{"PIN", map[string]any{"sim_status": 2}, false, ProblemSIM, 2, "registered"},
		{"invalid SIM", map[string]any{"sim_status": 20}, false, ProblemSIM, 20, "registered"},
		{"searching", map[string]any{"state": notRegistered(2), "data": inactive}, false, ProblemRegistration, 1, "searching"},
		{"denied", map[string]any{"state": notRegistered(3), "data": inactive}, false, ProblemRegistration, 1, "denied"},
		{"roaming", map[string]any{"state": notRegistered(5)}, true, ProblemRoaming, 1, "roaming"},
		{"weak signal", map[string]any{"csq": 6}, true, ProblemSignalWeak, 1, "registered"},
		{"no data call", map[string]any{"data": inactive}, false, ProblemNoDataCall, 1, "registered"},
		{"getInfo int", map[string]any{"data": []any{-1}}, false, ProblemDataCallUnknown, 1, "registered"},
		{"all -1", map[string]any{"sim_status": -1, "csq": -1, "state": -1, "data": []any{-1}, "model": -1},
			false, ProblemSIM, -1, "unknown"},
		{"sim raised", map[string]any{"sim_status": map[string]string{"error": "OSError(5,)"}}, false, ProblemSIM, -1, "registered"},
		{"plain MicroPython", map[string]any{"missing": []string{"modem", "sim", "net", "dataCall"},
			"sim_status": nil, "state": nil, "data": nil}, false, ProblemNotQuecPython, -1, "unknown"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := Parse(output(t, with(tc.over)))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if r.Ready != tc.ready || firstCode(r) != tc.first {
				t.Errorf("ready %v first %q, want %v %q (problems %+v)", r.Ready, firstCode(r), tc.ready, tc.first, r.Problems)
			}
			if r.SIM.Status != tc.simStatus || r.Network.State != tc.state {
				t.Errorf("sim %d state %q, want %d %q", r.SIM.Status, r.Network.State, tc.simStatus, tc.state)
			}
			for _, p := range r.Problems {
				if p.Message == "" || p.Advice == "" {
					t.Errorf("problem %q lacks message or advice", p.Code)
				}
			}
		})
	}
}

func TestParseFields(t *testing.T) {
	r, err := Parse(output(t, with(map[string]any{"data": []any{
		[]any{1, 2, []any{1, 0, "10.64.12.34", "211.136.17.107", "0.0.0.0"}, []any{1, 0, "2408::1", "2408::8", "::"}},
		[]any{2, 0, []any{1, 0, "10.0.0.2", "1.1.1.1", "0.0.0.0"}},
	}})))
	if err != nil {
		t.Fatal(err)
	}
	checks := []struct {
		field string
		got   any
		want  any
	}{
		{"model", r.Model, "EC600N"},
		{"imei", r.IMEI, "866327040000001"},
		{"iccid", r.SIM.ICCID, "89860012345678901234"},
		{"uname release", r.Uname["release"], "1.13.0"},
		{"csq", r.Signal.CSQ, 24},
		{"dbm", r.Signal.DBM, -113 + 2*24},
		{"rsrp", r.Signal.RSRP, -85},
		{"rssi", r.Signal.RSSI, -60},
		{"operator", r.Network.Operator, "CHINA MOBILE"},
		{"mcc", r.Network.MCC, "460"},
		{"rat", r.Network.RATName, "LTE"},
		{"mode", r.Network.Mode, 5},
		{"ip", r.DataCall.IP, "10.64.12.34"},
		{"dns", strings.Join(r.DataCall.DNS, ","), "211.136.17.107"},
		{"ipv6", r.DataCall.IPv6, "2408::1"},
		{"other profile", len(r.DataCall.Others), 1},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %v, want %v", c.field, c.got, c.want)
		}
	}
}

func TestParseOldFirmwareIPv4Only(t *testing.T) {
	r, err := Parse(output(t, with(map[string]any{"missing": []string{"checkNet"},
		"data": []any{[]any{1, 0, []any{1, 0, "10.1.2.3", "8.8.8.8", "0.0.0.0"}}}})))
	if err != nil {
		t.Fatal(err)
	}
	if !r.Ready || r.DataCall.IP != "10.1.2.3" || !slices.Equal(r.Missing, []string{"checkNet"}) {
		t.Errorf("got ready %v ip %q missing %v", r.Ready, r.DataCall.IP, r.Missing)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, out, code string
	}{
		{"empty", "", CodeNoResult},
		{"traceback", "Traceback (most recent call last):\r\nSyntaxError: invalid syntax\r\n", CodeNoResult},
		{"cut short", markBegin + "\r\n{\"v\": 1", CodeMalformed},
		{"not json", markBegin + "\r\n{v:1}\r\n" + markEnd, CodeMalformed},
		{"json array", markBegin + "\r\n[1]\r\n" + markEnd, CodeMalformed},
		{"other version", markBegin + "\r\n{\"v\": 2}\r\n" + markEnd, CodeMalformed},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse(tc.out)
			var pe *Error
			if !errors.As(err, &pe) || pe.Code != tc.code {
				t.Fatalf("err %v, want code %s", err, tc.code)
			}
			if pe.Phrase() == "" || pe.Advice() == "" {
				t.Errorf("error %q lacks message or advice", pe.Code)
			}
		})
	}
}

func TestReportJSONContract(t *testing.T) {
	r, err := Parse(output(t, with(map[string]any{"sim_status": 2})))
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"model", "imei", "firmware", "sim", "signal", "network", "dataCall", "ready", "problems"} {
		if _, ok := m[key]; !ok {
			t.Errorf("JSON lacks %q: %s", key, b)
		}
	}
	probs, _ := m["problems"].([]any)
	if len(probs) != 1 || probs[0] != r.Problems[0].Message {
		t.Errorf("problems = %v, want [%q]", m["problems"], r.Problems[0].Message)
	}
	sim, _ := m["sim"].(map[string]any)
	if sim["status"] != float64(2) || sim["meaning"] != r.SIM.Meaning {
		t.Errorf("sim = %v", sim)
	}
}

// The script prints format 2, a list in v2Keys order, with uname's bare
// values; it must read as the same report as format 1's object.
func TestParseFormat2MatchesFormat1(t *testing.T) {
	doc := with(map[string]any{"uname": []string{"sysname=EC600N", "nodename=EC600N", "release=1.13.0"}})
	want, err := Parse(output(t, doc))
	if err != nil {
		t.Fatal(err)
	}
	doc["v"] = 2
	doc["uname"] = []string{"EC600N", "EC600N", "1.13.0"}
	list := make([]any, len(v2Keys))
	for i, k := range v2Keys {
		list[i] = doc[k]
	}
	b, err := json.Marshal(list)
	if err != nil {
		t.Fatal(err)
	}
	got, err := Parse(markBegin + "\r\n" + string(b) + "\r\n" + markEnd + "\r\n")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("format 2 gave\n%+v\nformat 1 gave\n%+v", got, want)
	}
	if got.Uname["release"] != "1.13.0" || got.Model != "EC600N" || !got.Ready {
		t.Fatalf("format 2 report %+v", got)
	}
	// A list that says format 1 is not trusted.
	if _, err := Parse(markBegin + "\n[1]\n" + markEnd); err == nil {
		t.Fatal("a list with v 1 was accepted")
	}
}
