package probe

import (
	"encoding/json"
	"testing"
)

// FuzzParse feeds Parse arbitrary REPL output: it must never panic, and a
// report it accepts must be self-consistent and encodable.
func FuzzParse(f *testing.F) {
	f.Add(markBegin + "\n{\"v\": 1, \"sim_status\": 1, \"csq\": 24}\n" + markEnd)
	f.Add(markBegin + "\n{\"v\": 1, \"data\": [[1, 2, [1], [0]]], \"state\": [[], [5]]}\n" + markEnd)
	f.Add(markBegin + "\n[2, [], [\"EC600N\"], \"EC600N\", \"86\", \"fw\", \"sn\", 1, \"89\", \"46\", \"\", 24]\n" + markEnd)
	f.Add("Traceback (most recent call last):\nSyntaxError\n")
	f.Fuzz(func(t *testing.T, out string) {
		r, err := Parse(out)
		if err != nil {
			if _, ok := err.(*Error); !ok {
				t.Fatalf("error %v is not a *probe.Error", err)
			}
			return
		}
		if r.SIM.Meaning == "" || r.Network.State == "" || r.Network.RATName == "" {
			t.Fatalf("accepted report lacks meanings: %+v", r)
		}
		if r.Ready != ready(r.Problems) {
			t.Fatalf("Ready %v disagrees with problems %+v", r.Ready, r.Problems)
		}
		if r.Ready && (r.SIM.Status != 1 || !r.Network.Registered) {
			t.Fatalf("ready without SIM or registration: %+v", r)
		}
		if _, err := json.Marshal(r); err != nil {
			t.Fatalf("report does not encode: %v", err)
		}
	})
}
