//go:build linux

// The test peer runs on a Linux pseudo-terminal.

package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"qpyhub/device/repl"
	"qpyhub/device/testpeer"
)

func startProbePeer(t *testing.T, scenario map[string]any) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	peer, err := testpeer.Start(ctx, testpeer.Options{Scenario: scenario})
	if err != nil {
		t.Fatalf("start peer: %v", err)
	}
	t.Cleanup(func() { peer.Close() })
	return peer.Path()
}

func TestRunProbeJSONAgainstPeer(t *testing.T) {
	tests := []struct {
		name     string
		scenario map[string]any
		ready    bool
		problem  string
	}{
		{"healthy", nil, true, ""},
		{"no SIM", map[string]any{"sim_status": 0}, false, "No SIM card"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := startProbePeer(t, tc.scenario)
			var out, errOut bytes.Buffer
			code := runCommand(context.Background(), "probe", []string{"--port", path, "--json", "--timeout", "20s"}, &out, &errOut)
			if code != 0 {
				t.Fatalf("exit %d, stderr %q", code, errOut.String())
			}
			var got struct {
				Model    string   `json:"model"`
				IMEI     string   `json:"imei"`
				Ready    bool     `json:"ready"`
				Problems []string `json:"problems"`
				SIM      struct {
					Status  *int   `json:"status"`
					Meaning string `json:"meaning"`
				} `json:"sim"`
				Signal   struct{ CSQ, DBM *int }    `json:"signal"`
				Network  struct{ Registered *bool } `json:"network"`
				DataCall struct {
					Active *bool    `json:"active"`
					DNS    []string `json:"dns"`
				} `json:"dataCall"`
			}
			if err := json.Unmarshal(out.Bytes(), &got); err != nil {
				t.Fatalf("not JSON: %v\n%s", err, out.String())
			}
			if got.Model != "EC600N" || got.IMEI == "" || got.SIM.Status == nil || got.Signal.CSQ == nil ||
				got.Network.Registered == nil || got.DataCall.Active == nil {
				t.Errorf("contract fields missing: %s", out.String())
			}
			first := ""
			if len(got.Problems) > 0 {
				first = got.Problems[0]
			}
			if got.Ready != tc.ready || first != tc.problem {
				t.Errorf("ready %v first problem %q, want %v %q", got.Ready, first, tc.ready, tc.problem)
			}
		})
	}
}

func TestRunProbeCardAgainstPeer(t *testing.T) {
	path := startProbePeer(t, map[string]any{"data_state": 3})
	var out, errOut bytes.Buffer
	if code := runCommand(context.Background(), "probe", []string{"--port", path}, &out, &errOut); code != 0 {
		t.Fatalf("exit %d, stderr %q", code, errOut.String())
	}
	first, _, _ := strings.Cut(out.String(), "\n")
	if !strings.HasPrefix(first, "NOT READY") || !strings.Contains(first, "The network denied registration") {
		t.Errorf("verdict line %q", first)
	}
	for _, want := range []string{"EC600N", "denied", "1. The network denied registration"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("card lacks %q:\n%s", want, out.String())
		}
	}
}

func TestRunProbeOnAPortInUse(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	path := startProbePeer(t, nil)
	held, err := repl.Open(ctx, path, repl.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	var out, errOut bytes.Buffer
	if code := runCommand(ctx, "probe", []string{"--port", path}, &out, &errOut); code != 1 {
		t.Fatalf("exit %d, want 1; stderr %q", code, errOut.String())
	}
	want := fmt.Sprintf("in use by another program (pid %d", os.Getpid())
	if out.Len() != 0 || strings.Count(errOut.String(), "\n") != 1 || !strings.Contains(errOut.String(), want) {
		t.Fatalf("stdout %q stderr %q: want nothing, and one line with %q", out.String(), errOut.String(), want)
	}
}

// With another program reading the port (cat, a forgotten terminal), the
// probe gets garbled answers; it still ends, by its --timeout.
func TestRunProbeEndsByItsTimeoutWhileAnotherProgramReadsThePort(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	peer, err := testpeer.Start(ctx, testpeer.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { peer.Close() })
	peer.AddOtherReader(t)
	for round := 0; round < 3; round++ {
		ended := make(chan int, 1)
		var errOut bytes.Buffer
		go func() {
			ended <- runCommand(ctx, "probe", []string{"--port", peer.Path(), "--timeout", "2s"}, io.Discard, &errOut)
		}()
		select {
		case code := <-ended:
			if code == 1 && strings.Count(errOut.String(), "\n") != 1 {
				t.Fatalf("round %d: stderr %q, want one line", round, errOut.String())
			}
		case <-ctx.Done():
			t.Fatalf("round %d: probe --timeout 2s still runs", round)
		}
	}
}
