//go:build linux

// The test peer runs on a Linux pseudo-terminal.

package app

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

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
			code := runProbe(context.Background(), []string{"--port", path, "--json", "--timeout", "20s"}, &out, &errOut)
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
	if code := runProbe(context.Background(), []string{"--port", path}, &out, &errOut); code != 0 {
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
