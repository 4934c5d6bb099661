package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"testing"

	"qpyhub/device/ports"
)

// trayPorts is what List answers with one EC600N plugged in beside a
// built-in UART.
func trayPorts() []ports.Port {
	ps := []ports.Port{
		{Name: "/dev/ttyS0", Interface: -1},
		{Name: "/dev/ttyUSB1", VID: 0x2C7C, PID: 0x6001, Serial: "0000", Interface: 3, Location: "1-1"},
		{Name: "/dev/ttyUSB2", VID: 0x2C7C, PID: 0x6001, Serial: "0000", Interface: 5, Location: "1-1"},
	}
	for i := range ps {
		ps[i] = ports.Classify(ps[i])
	}
	return ps
}

// runPorts runs "qpyhub ports args…" on the ports list answers.
func runPorts(list func() ([]ports.Port, error), stdout, stderr io.Writer, args ...string) int {
	w := testWorld(stdout, stderr)
	w.listPorts = list
	return dispatch(context.Background(), w, append([]string{"ports"}, args...))
}

func TestPortsJSON(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := runPorts(func() ([]ports.Port, error) { return trayPorts(), nil }, &out, &errOut, "--json"); code != 0 {
		t.Fatalf("exit %d, stderr %q", code, errOut.String())
	}
	var got []portJSON
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatalf("not a JSON array: %v\n%s", err, out.String())
	}
	want := []portJSON{
		{Name: "/dev/ttyS0", Interface: -1, Role: "unknown"},
		{Name: "/dev/ttyUSB1", VID: "2c7c", PID: "6001", Serial: "0000", Interface: 3, Role: "at", Model: "EC600N/EC800N", IsQuectel: true},
		{Name: "/dev/ttyUSB2", VID: "2c7c", PID: "6001", Serial: "0000", Interface: 5, Role: "repl", Model: "EC600N/EC800N", IsQuectel: true, REPL: true},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d ports, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("port %d = %+v, want %+v", i, got[i], want[i])
		}
	}
}

func TestPortsTable(t *testing.T) {
	tests := []struct {
		name  string
		list  []ports.Port
		lines []string
	}{
		{"module", trayPorts(), []string{"/dev/ttyUSB2  2c7c:6001  5", "REPL *", "qpyhub probe --port"}},
		{"no module", trayPorts()[:1], []string{"/dev/ttyS0", "No QuecPython REPL port found"}},
		{"nothing", nil, []string{"No serial ports found"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			if code := runPorts(func() ([]ports.Port, error) { return tc.list, nil }, &out, &errOut); code != 0 {
				t.Fatalf("exit %d, stderr %q", code, errOut.String())
			}
			for _, l := range tc.lines {
				if !strings.Contains(out.String(), l) {
					t.Errorf("output lacks %q:\n%s", l, out.String())
				}
			}
		})
	}
}

func TestPortsArgumentsAndFailure(t *testing.T) {
	failing := func() ([]ports.Port, error) {
		return nil, &ports.Error{Message: "Could not list the serial ports", NextStep: "Check that this user may open serial devices, then try again", Err: errors.New("permission denied")}
	}
	tests := []struct {
		name   string
		args   []string
		list   func() ([]ports.Port, error)
		code   int
		stderr string
	}{
		{"unknown flag", []string{"--jsn"}, failing, 2, "-jsn"},
		{"argument", []string{"COM5"}, failing, 2, `"COM5"`},
		{"listing fails", nil, failing, 1, "permission denied"},
		{"real listing", []string{"--json"}, ports.List, 0, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			code := runPorts(tc.list, &out, &errOut, tc.args...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d (stderr %q)", code, tc.code, errOut.String())
			}
			if tc.code != 0 {
				if out.Len() != 0 || strings.Count(errOut.String(), "\n") != 1 || !strings.Contains(errOut.String(), tc.stderr) {
					t.Errorf("stdout %q stderr %q: want nothing, and one line naming %s", out.String(), errOut.String(), tc.stderr)
				}
				return
			}
			var arr []portJSON
			if err := json.Unmarshal(out.Bytes(), &arr); err != nil {
				t.Errorf("real listing is not a JSON array: %v", err)
			}
		})
	}
}
