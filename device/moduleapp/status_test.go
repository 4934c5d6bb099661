package moduleapp

import (
	"maps"
	"strings"
	"testing"
)

func TestParseStatusLine(t *testing.T) {
	tests := []struct {
		line   string
		ok     bool
		want   StatusLine
		fields map[string]string
	}{
		{"QPYHUB network ok", true, StatusLine{Stage: "network", State: "ok"}, map[string]string{}},
		{"QPYHUB network ok\r", true, StatusLine{Stage: "network", State: "ok"}, map[string]string{}},
		{"QPYHUB dps ok hub=myhub.azure-devices.net device=dev1", true,
			StatusLine{Stage: "dps", State: "ok", Detail: "hub=myhub.azure-devices.net device=dev1"},
			map[string]string{"hub": "myhub.azure-devices.net", "device": "dev1"}},
		{"QPYHUB mqtt fail reason=not authorized (5)", true,
			StatusLine{Stage: "mqtt", State: "fail", Detail: "reason=not authorized (5)"},
			map[string]string{"reason": "not authorized (5)"}},
		{"QPYHUB network fail stage=1 state=0 reason=no SIM card", true,
			StatusLine{Stage: "network", State: "fail", Detail: "stage=1 state=0 reason=no SIM card"},
			map[string]string{"stage": "1", "state": "0", "reason": "no SIM card"}},
		{"QPYHUB config fail key: missing (auth is \"key\")", true,
			StatusLine{Stage: "config", State: "fail", Detail: "key: missing (auth is \"key\")"}, map[string]string{}},
		{"QPYHUB c2d info hello a=b", true, StatusLine{Stage: "c2d", State: "info", Detail: "hello a=b"}, map[string]string{"a": "b"}},
		{"QPYHUB sas info expires_in=30 warning=token runs out before the next heartbeat", true,
			StatusLine{Stage: "sas", State: "info", Detail: "expires_in=30 warning=token runs out before the next heartbeat"},
			map[string]string{"expires_in": "30", "warning": "token runs out before the next heartbeat"}},
		{"  QPYHUB online ok device=dev1  ", true, StatusLine{Stage: "online", State: "ok", Detail: "device=dev1"}, map[string]string{"device": "dev1"}},
		{"QPYHUB twin ok version=", true, StatusLine{Stage: "twin", State: "ok", Detail: "version="}, map[string]string{"version": ""}},
		{"QPYHUB reboot ok", false, StatusLine{}, nil},
		{"QPYHUB mqtt maybe", false, StatusLine{}, nil},
		{"QPYHUB mqtt", false, StatusLine{}, nil},
		{"QPYHUB-PROBE-BEGIN", false, StatusLine{}, nil},
		{">>> QPYHUB mqtt ok", false, StatusLine{}, nil},
		{"qpyhub mqtt ok", false, StatusLine{}, nil},
		{"", false, StatusLine{}, nil},
	}
	for _, tc := range tests {
		got, ok := ParseStatusLine(tc.line)
		if ok != tc.ok {
			t.Errorf("%q: ok = %v, want %v", tc.line, ok, tc.ok)
			continue
		}
		if !ok {
			continue
		}
		if got.Stage != tc.want.Stage || got.State != tc.want.State || got.Detail != tc.want.Detail {
			t.Errorf("%q: got %+v, want %+v", tc.line, got, tc.want)
		}
		if !maps.Equal(got.Fields, tc.fields) {
			t.Errorf("%q: fields %v, want %v", tc.line, got.Fields, tc.fields)
		}
	}
}

func FuzzParseStatusLine(f *testing.F) {
	for _, s := range []string{
		"QPYHUB mqtt fail reason=not authorized (5)",
		"QPYHUB dps ok hub=h device=d",
		"QPYHUB c2d info =x y= a==b",
		"QPYHUB network ok",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		st, ok := ParseStatusLine(line)
		if !ok {
			return
		}
		if !stages[st.Stage] || (st.State != StateOK && st.State != StateFail && st.State != StateInfo) {
			t.Fatalf("%q: accepted stage %q state %q", line, st.Stage, st.State)
		}
		if !strings.Contains(line, st.Detail) || strings.TrimSpace(st.Detail) != st.Detail {
			t.Fatalf("%q: detail %q is not the trimmed rest of the line", line, st.Detail)
		}
		// Printing the line again gives the same reading.
		again, ok := ParseStatusLine("QPYHUB " + st.Stage + " " + st.State + " " + st.Detail)
		if !ok || again.Detail != st.Detail || !maps.Equal(again.Fields, st.Fields) {
			t.Fatalf("%q: read back as %+v, first %+v", line, again, st)
		}
		for name, value := range st.Fields {
			if !isFieldName(name) || !strings.Contains(st.Detail, name+"=") {
				t.Fatalf("%q: field %q=%q not in the detail", line, name, value)
			}
		}
	})
}
