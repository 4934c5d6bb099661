//go:build linux

// The test peer runs on a Linux pseudo-terminal.

package probe

import (
	"context"
	"strings"
	"testing"
	"time"

	"qpyhub/device/repl"
	"qpyhub/device/testpeer"
)

// openPeer starts a MicroPython peer with the QuecPython stand-ins set to
// scenario and opens its REPL port as a module's.
func openPeer(t testing.TB, ctx context.Context, scenario map[string]any) *repl.Session {
	t.Helper()
	peer, err := testpeer.Start(ctx, testpeer.Options{Scenario: scenario})
	if err != nil {
		t.Fatalf("start peer: %v", err)
	}
	t.Cleanup(func() { peer.Close() })
	s, err := repl.Open(ctx, peer.Path(), repl.Options{})
	if err != nil {
		t.Fatalf("open %s: %v (peer stderr: %s)", peer.Path(), err, peer.Stderr())
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestRunAgainstPeer(t *testing.T) {
	tests := []struct {
		name     string
		scenario map[string]any
		ready    bool
		first    string
		check    func(r Report) bool
	}{
		{"healthy", nil, true, "", func(r Report) bool {
			return r.Model == "EC600N" && r.IMEI == "866327040000001" && r.DataCall.IP == "10.64.12.34" &&
				r.Network.RATName == "LTE" && r.Signal.DBM == -65 && r.SIM.ICCID != ""
		}},
		{"no SIM", map[string]any{"sim_status": 0}, false, ProblemSIM, func(r Report) bool {
			return r.SIM.Status == 0 && r.SIM.ICCID == "" && r.Problems[0].Message == "No SIM card"
		}},
		{"PIN", map[string]any{"sim_status": 2}, false, ProblemSIM, func(r Report) bool {
			return r.SIM.Meaning == "SIM card asks for its PIN"
		}},
		{"searching", map[string]any{"data_state": 2, "csq": 99}, false, ProblemRegistration, func(r Report) bool {
			return r.Network.State == "searching" && len(r.Problems) == 2 && r.Problems[1].Code == ProblemSignalUnknown
		}},
		{"denied", map[string]any{"data_state": 3}, false, ProblemRegistration, func(r Report) bool {
			return r.Network.State == "denied" && r.Network.Operator == ""
		}},
		{"roaming", map[string]any{"data_state": 5}, true, ProblemRoaming, func(r Report) bool {
			return r.Network.Roaming && r.Network.Registered
		}},
		{"no data call", map[string]any{"data_active": 0}, false, ProblemNoDataCall, func(r Report) bool {
			return !r.DataCall.Active && r.DataCall.IP == ""
		}},
		{"all -1", map[string]any{"all_fail": true}, false, ProblemSIM, func(r Report) bool {
			return r.SIM.Status == -1 && r.Model == "" && r.Signal.CSQ == -1 && r.Network.DataState == -1
		}},
		{"old firmware", map[string]any{"old_firmware": true}, true, "", func(r Report) bool {
			return r.DataCall.IP == "10.64.12.34" && len(r.Missing) == 1 && r.Missing[0] == "checkNet"
		}},
		{"old firmware, getInfo int", map[string]any{"old_firmware": true, "getinfo_error": -1}, false, ProblemDataCallUnknown, func(r Report) bool {
			return r.DataCall.Profile == -1
		}},
		{"second profile and IPv6", map[string]any{"ipv6_active": 1, "ipv6": "2408:8456::1", "profiles": map[string]any{"2": "10.0.0.2"}}, true, "", func(r Report) bool {
			return r.DataCall.IPv6 == "2408:8456::1" && len(r.DataCall.Others) == 1 && r.DataCall.Others[0].IP == "10.0.0.2"
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			s := openPeer(t, ctx, tc.scenario)
			r, err := Run(ctx, OverSession(s))
			if err != nil {
				t.Fatalf("Run: %v", err)
			}
			if r.Ready != tc.ready || firstCode(r) != tc.first {
				t.Fatalf("ready %v first %q, want %v %q (problems %+v)", r.Ready, firstCode(r), tc.ready, tc.first, r.Problems)
			}
			if !tc.check(r) {
				t.Errorf("report does not match the scenario: %+v", r)
			}
		})
	}
}

func TestRunPlainMicroPython(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s := openPeer(t, ctx, map[string]any{"missing": []string{"sim", "net", "dataCall", "modem", "checkNet"}})
	r, err := Run(ctx, OverSession(s))
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if r.Ready || firstCode(r) != ProblemNotQuecPython {
		t.Errorf("ready %v first %q, want not ready, %q", r.Ready, firstCode(r), ProblemNotQuecPython)
	}
}

// The script crosses the link once; later checks call what it left on
// the module, in the same session or the next one, until a reset.
func TestRunSendsTheScriptOnce(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	peer, err := testpeer.Start(ctx, testpeer.Options{Scenario: map[string]any{"csq": 17}})
	if err != nil {
		t.Fatalf("start peer: %v", err)
	}
	defer peer.Close()
	definition := "def " + funcName + "("
	sent := func() int { return strings.Count(string(peer.Received()), definition) }
	check := func(s *repl.Session, wantSent int) {
		t.Helper()
		r, err := Run(ctx, OverSession(s))
		if err != nil || r.Signal.CSQ != 17 || !r.Ready {
			t.Fatalf("Run: %+v, %v", r, err)
		}
		if got := sent(); got != wantSent {
			t.Fatalf("the script was sent %d times, want %d", got, wantSent)
		}
	}
	s, err := repl.Open(ctx, peer.Path(), repl.Options{})
	if err != nil {
		t.Fatal(err)
	}
	check(s, 1)
	check(s, 1)
	s.Close()
	s, err = repl.Open(ctx, peer.Path(), repl.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	check(s, 1)
	if _, err := s.SoftReset(ctx); err != nil {
		t.Fatal(err)
	}
	check(s, 2)
}

// Old firmware behind a UART: the script goes in acknowledged pieces of
// the firmware's input buffer, over a 115200 baud link.
func TestRunOnOldFirmwareOverAUART(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	peer, err := testpeer.Start(ctx, testpeer.Options{RawPaste: testpeer.RawPasteUnsupported, Baud: 115200,
		Scenario: map[string]any{"old_firmware": true}})
	if err != nil {
		t.Fatalf("start peer: %v", err)
	}
	defer peer.Close()
	s, err := repl.Open(ctx, peer.Path(), repl.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	r, err := Run(ctx, OverSession(s))
	if err != nil || !r.Ready || r.IMEI != "866327040000001" || len(r.Missing) != 1 {
		t.Fatalf("Run: %+v, %v", r, err)
	}
	if !strings.Contains(string(peer.Received()), "_qpyS[0]+=b'") {
		t.Fatalf("the script did not go in pieces: %q", peer.Received())
	}
}

func TestRunUnpluggedModule(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	peer, err := testpeer.Start(ctx, testpeer.Options{})
	if err != nil {
		t.Fatalf("start peer: %v", err)
	}
	defer peer.Close()
	s, err := repl.Open(ctx, peer.Path(), repl.Options{})
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	defer s.Close()
	peer.Kill()
	_, err = Run(ctx, OverSession(s))
	pe, ok := err.(*Error)
	if !ok || pe.Code != CodeNoAnswer {
		t.Fatalf("Run after unplug: %v, want a %s error", err, CodeNoAnswer)
	}
}

func BenchmarkProbe(b *testing.B) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	s := openPeer(b, ctx, nil)
	ex := OverSession(s)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := Run(ctx, ex); err != nil {
			b.Fatal(err)
		}
	}
}
