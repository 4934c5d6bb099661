//go:build linux

package e2e

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"qpyhub/app/cli"
	"qpyhub/cloud"
	"qpyhub/cloud/hubsim"
	"qpyhub/device/testpeer"
)

// These tests run the real qpyhub binary, as a script or a production line
// would, against the MicroPython test peer and the local hub: each one
// against both builds (binary_build_test.go).

func TestBinaryProbeJSON(t *testing.T) {
	tests := []probeCase{
		{name: "healthy", scenario: nil, ready: true, sim: 1},
		{name: "no SIM", scenario: map[string]any{"sim_status": 0}, ready: false, sim: 0, problem: "SIM"},
	}
	forEachBinary(t, func(t *testing.T, bin string) {
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) { tc.check(t, bin) })
		}
	})
}

// probeCase is a module the peer plays and the report probe --json gives.
type probeCase struct {
	name     string
	scenario map[string]any
	ready    bool
	sim      int
	problem  string
}

func (tc probeCase) check(t *testing.T, bin string) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	peer, err := testpeer.Start(ctx, testpeer.Options{Scenario: tc.scenario})
	if err != nil {
		t.Fatal(err)
	}
	defer peer.Close()

	stdout, stderr, code := runBinary(t, ctx, bin, "probe", "--port", peer.Path(), "--json", "--timeout", "20s")
	if code != 0 {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	var r struct {
		Model    string   `json:"model"`
		IMEI     string   `json:"imei"`
		Ready    bool     `json:"ready"`
		Problems []string `json:"problems"`
		SIM      struct {
			Status int `json:"status"`
		} `json:"sim"`
	}
	if err := json.Unmarshal([]byte(stdout), &r); err != nil {
		t.Fatalf("stdout is not one JSON object: %v\n%s", err, stdout)
	}
	if r.Ready != tc.ready || r.SIM.Status != tc.sim || r.IMEI == "" || r.Model == "" {
		t.Fatalf("report %+v, want ready=%v sim=%d", r, tc.ready, tc.sim)
	}
	if tc.problem != "" && (len(r.Problems) == 0 || !strings.Contains(r.Problems[0], tc.problem)) {
		t.Fatalf("first problem %v, want one about %q", r.Problems, tc.problem)
	}
}

func TestBinaryProbeUnpluggedPortExitsOne(t *testing.T) {
	forEachBinary(t, func(t *testing.T, bin string) {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_, stderr, code := runBinary(t, ctx, bin, "probe", "--port", filepath.Join(t.TempDir(), "ttyUSB9"), "--json")
		if code != 1 || strings.Count(strings.TrimSpace(stderr), "\n") != 0 || !strings.HasPrefix(stderr, "qpyhub probe: ") {
			t.Fatalf("exit %d, stderr %q: want 1 and one line", code, stderr)
		}
	})
}

func TestBinarySASJSONAndBadKey(t *testing.T) {
	forEachBinary(t, checkSASJSONAndBadKey)
}

func checkSASJSONAndBadKey(t *testing.T, bin string) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	const key = "c2VjcmV0LWtleS1vZi1kZXYx"
	stdout, stderr, code := runBinary(t, ctx, bin, "sas", "--host", "hub1.azure-devices.net", "--device", "dev1", "--key", key, "--ttl", "1h", "--json")
	if code != 0 {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	var c struct {
		Host, ClientID, Username, Password, ExpiresAt string
		Port                                          int
	}
	if err := json.Unmarshal([]byte(stdout), &c); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, stdout)
	}
	tok, err := cloud.ParseSASToken(c.Password)
	if err != nil {
		t.Fatal(err)
	}
	if ok, _ := tok.Verify(key); !ok || c.Port != 8883 || c.ClientID != "dev1" {
		t.Fatalf("credentials %+v do not verify", c)
	}

	stdout, stderr, code = runBinary(t, ctx, bin, "sas", "--host", "hub1.azure-devices.net", "--device", "dev1", "--key", "not*base64")
	if code != 2 || stdout != "" || strings.Count(strings.TrimSpace(stderr), "\n") != 0 || !strings.Contains(stderr, "--key") {
		t.Fatalf("bad key: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	if strings.Contains(stderr, "not*base64") {
		t.Fatal("the rejected key is echoed on stderr")
	}
}

func TestBinaryMonitorJSON(t *testing.T) {
	forEachBinary(t, checkMonitorJSON)
}

func checkMonitorJSON(t *testing.T, bin string) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	hub, err := hubsim.New(hubsim.Config{MQTTAddr: "127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	if err := hub.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer hub.Close()
	if _, err := hub.AddDevice("ec600n-01"); err != nil {
		t.Fatal(err)
	}
	cs, err := hub.DeviceConnectionString("ec600n-01")
	if err != nil {
		t.Fatal(err)
	}
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(caFile, hub.CAPEM(), 0o600); err != nil {
		t.Fatal(err)
	}

	cmd := exec.CommandContext(ctx, bin, "monitor", "--ca", caFile, "--server", hub.MQTTAddr(), "--json")
	// The connection string comes through the environment, as the help advises.
	cmd.Env = binaryEnv(t, "QPYHUB_CONNECTION_STRING="+cs)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := bufio.NewScanner(stdout)
	next := func() map[string]any {
		t.Helper()
		if !lines.Scan() {
			t.Fatalf("monitor ended early: %v; stderr %q", lines.Err(), stderr.String())
		}
		var ev map[string]any
		if err := json.Unmarshal(lines.Bytes(), &ev); err != nil {
			t.Fatalf("line is not JSON: %q", lines.Text())
		}
		return ev
	}
	for ev := next(); ev["type"] != "connection" || ev["state"] != "connected"; ev = next() {
	}
	if err := hub.SendC2D("ec600n-01", hubsim.C2DMessage{
		Payload:    []byte(`{"led":"on"}`),
		Properties: map[string]string{"cmd": "set led", "$weird": "a&b=c"},
		MessageID:  "m-1",
	}); err != nil {
		t.Fatal(err)
	}
	ev := next()
	for ev["type"] == "connection" {
		ev = next()
	}
	if ev["type"] != "c2d" {
		t.Fatalf("event %v, want a c2d message", ev)
	}
	props, _ := ev["properties"].(map[string]any)
	if props["cmd"] != "set led" || props["$weird"] != "a&b=c" {
		t.Fatalf("properties %v", ev["properties"])
	}
	if !strings.Contains(lines.Text(), `"led"`) {
		t.Fatalf("payload missing: %s", lines.Text())
	}

	// Ctrl-C ends the monitor cleanly.
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	for lines.Scan() {
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("monitor after SIGINT: %v; stderr %q", err, stderr.String())
	}
	if strings.Contains(stderr.String(), "SharedAccessKey") || strings.Contains(stderr.String(), "SharedAccessSignature") {
		t.Fatal("a secret reached stderr")
	}
}

func TestBinaryHelpForEveryCommand(t *testing.T) {
	forEachBinary(t, checkHelpForEveryCommand)
}

func checkHelpForEveryCommand(t *testing.T, bin string) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	stdout, _, code := runBinary(t, ctx, bin, "--help")
	if code != 0 {
		t.Fatalf("qpyhub --help exit %d", code)
	}
	for _, name := range cli.Names() {
		if !strings.Contains(stdout, name) {
			t.Errorf("qpyhub --help does not list %q", name)
		}
		t.Run(name, func(t *testing.T) {
			out, errOut, code := runBinary(t, ctx, bin, name, "--help")
			if code != 0 || errOut != "" {
				t.Fatalf("exit %d, stderr %q", code, errOut)
			}
			if !strings.Contains(out, "qpyhub "+name) || !strings.Contains(out, "-") {
				t.Fatalf("no usage or flags described: %q", out)
			}
		})
	}
	_, errOut, code := runBinary(t, ctx, bin, "no-such-command")
	if code != 2 || !strings.Contains(errOut, "--help") {
		t.Fatalf("unknown command: exit %d, stderr %q", code, errOut)
	}
}

// The Settings screen's language choice reaches the command line too: a
// Chinese choice on an English system gives Chinese messages.
func TestBinaryCommandsSpeakTheChosenLanguage(t *testing.T) {
	forEachBinary(t, checkCommandsSpeakTheChosenLanguage)
}

func checkCommandsSpeakTheChosenLanguage(t *testing.T, bin string) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for _, tc := range []struct{ choice, want string }{
		{"", "Unknown command"},
		{"zh_Hans", "未知命令"},
		{"en", "Unknown command"},
	} {
		home := t.TempDir()
		if tc.choice != "" {
			dir := filepath.Join(home, ".config", "qpyhub")
			if err := os.MkdirAll(dir, 0o700); err != nil {
				t.Fatal(err)
			}
			prefs := fmt.Sprintf(`{"settings.language": %q}`, tc.choice)
			if err := os.WriteFile(filepath.Join(dir, "preferences.json"), []byte(prefs), 0o600); err != nil {
				t.Fatal(err)
			}
		}
		cmd := exec.CommandContext(ctx, bin, "frobnicate")
		cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + home, "LANG=en_US.UTF-8"}
		out, err := cmd.CombinedOutput()
		if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 2 {
			t.Fatalf("choice %q: %v, want exit 2", tc.choice, err)
		}
		if !strings.Contains(string(out), tc.want) {
			t.Errorf("choice %q: output %q, want %q", tc.choice, out, tc.want)
		}
	}
}
