//go:build linux

package app

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"net"
	"os/exec"
	"strings"
	"testing"
	"time"

	"qpyhub/cloud/hubsim"
	"qpyhub/device/modfs"
	"qpyhub/device/repl"
	"qpyhub/device/testpeer"
)

// defaultPeerIMEI is the IMEI the test peer's modem reports by default.
const defaultPeerIMEI = "866327040000001"

// The built binary, once per identity mode and once per failure a
// technician meets, against the MicroPython peer and the local hub.
func TestBinarySetupModesAndFailures(t *testing.T) {
	const groupKey = "8isrFI1sGsIlvvFSSFRiMfCNzv21fjbE/+ah/lSh3lF8e2YG1Te7w1KpZhJFFXJrqYKi9yegxkqIChbqOS9Egw=="
	type tc struct {
		name     string
		scenario map[string]any
		// prepare sets the hub up and returns the flags and environment.
		prepare   func(t *testing.T, hub *hubsim.Server) (args, env []string)
		code      int
		result    string
		stage     string
		wantError string
	}
	policy := func(hub *hubsim.Server, name string) string { return hub.PolicyConnectionString(name) }
	cases := []tc{
		{name: "existing device", prepare: func(t *testing.T, hub *hubsim.Server) ([]string, []string) {
			if _, err := hub.AddDevice("tray-01"); err != nil {
				t.Fatal(err)
			}
			cs, _ := hub.DeviceConnectionString("tray-01")
			return nil, []string{envConnectionString + "=" + cs, envCheckConnectionString + "=" + policy(hub, "iothubowner")}
		}, result: "online"},
		{name: "new device from a hub policy", prepare: func(t *testing.T, hub *hubsim.Server) ([]string, []string) {
			return []string{"--device-id-template", "line-{imei}"}, []string{envHubConnectionString + "=" + policy(hub, "iothubowner")}
		}, result: "online"},
		{name: "DPS enrollment group", prepare: func(t *testing.T, hub *hubsim.Server) ([]string, []string) {
			if err := hub.AddEnrollmentGroup("tray", groupKey, true); err != nil {
				t.Fatal(err)
			}
			return []string{"--dps", "--id-scope", hub.DPSIDScope()},
				[]string{envGroupKey + "=" + groupKey, envCheckConnectionString + "=" + policy(hub, "iothubowner")}
		}, result: "online"},
		{name: "SIM missing", scenario: map[string]any{"sim_status": 0}, prepare: func(t *testing.T, hub *hubsim.Server) ([]string, []string) {
			return nil, []string{envHubConnectionString + "=" + policy(hub, "iothubowner")}
		}, code: 1, result: "failed", stage: "module", wantError: "SIM"},
		{name: "device already exists", prepare: func(t *testing.T, hub *hubsim.Server) ([]string, []string) {
			if _, err := hub.AddDevice("line-" + defaultPeerIMEI); err != nil {
				t.Fatal(err)
			}
			return []string{"--device-id-template", "line-{imei}"}, []string{envHubConnectionString + "=" + policy(hub, "iothubowner")}
		}, code: 1, result: "failed", stage: "identity", wantError: "exists"},
		{name: "policy without write rights", prepare: func(t *testing.T, hub *hubsim.Server) ([]string, []string) {
			return nil, []string{envHubConnectionString + "=" + policy(hub, "registryRead")}
		}, code: 1, result: "failed", stage: "identity", wantError: "registryReadWrite"},
		{name: "DPS group disabled", prepare: func(t *testing.T, hub *hubsim.Server) ([]string, []string) {
			if err := hub.AddEnrollmentGroup("tray", groupKey, false); err != nil {
				t.Fatal(err)
			}
			return []string{"--dps", "--id-scope", hub.DPSIDScope(), "--dps-check", "--dps-host", "localhost"},
				[]string{envGroupKey + "=" + groupKey}
		}, code: 1, result: "failed", stage: "identity", wantError: "disabled"},
		{name: "verification timeout", prepare: func(t *testing.T, hub *hubsim.Server) ([]string, []string) {
			if _, err := hub.AddDevice("silent"); err != nil {
				t.Fatal(err)
			}
			cs, _ := hub.DeviceConnectionString("silent")
			mute := silentListener(t)
			return []string{"--server", mute, "--verify-timeout", "5s"}, []string{envConnectionString + "=" + cs}
		}, code: 1, result: "failed", stage: "verify"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			hub, ca := setupHub(t)
			ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
			defer cancel()
			peer, err := testpeer.Start(ctx, testpeer.Options{Scenario: c.scenario})
			if err != nil {
				t.Fatal(err)
			}
			defer peer.Close()
			extra, env := c.prepare(t, hub)
			args := []string{"setup", "--port", peer.Path(), "--json", "--server", hub.MQTTAddr(), "--ca", ca, "--rest", hub.HTTPURL()}
			args = append(args, extra...) // a later --server wins
			cmd := exec.CommandContext(ctx, qpyhubBinary(t), args...)
			cmd.Env = binaryEnv(t, env...)
			var out, errOut bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &errOut
			err = cmd.Run()
			code := 0
			if ee, ok := err.(*exec.ExitError); ok {
				code = ee.ExitCode()
			} else if err != nil {
				t.Fatal(err)
			}
			objs := setupJSONLines(t, out.String())
			if code != c.code || len(objs) != 1 {
				t.Fatalf("exit %d with %d objects, want %d and 1\nstdout %s\nstderr %s", code, len(objs), c.code, out.String(), errOut.String())
			}
			r := objs[0]
			if r["result"] != c.result || (c.stage != "" && r["stage"] != c.stage) {
				t.Fatalf("result %v stage %v, want %s %s\n%s", r["result"], r["stage"], c.result, c.stage, out.String())
			}
			said := ""
			for _, k := range []string{"error", "advice", "detail"} {
				s, _ := r[k].(string)
				said += s + " | "
			}
			if !strings.Contains(said, c.wantError) {
				t.Fatalf("error, advice and detail %q, want them to mention %q", said, c.wantError)
			}
			if c.result == "failed" && r["advice"] == nil {
				t.Fatalf("a failure without advice: %v", r)
			}
			if r["port"] != peer.Path() || r["imei"] != defaultPeerIMEI {
				t.Fatalf("port %v imei %v", r["port"], r["imei"])
			}
			for _, secret := range []string{groupKey} {
				if strings.Contains(out.String()+errOut.String(), secret) {
					t.Fatal("a key reached the output")
				}
			}
		})
	}
}

// silentListener accepts connections and never answers: a hub that hangs.
func silentListener(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	go func() {
		var held []net.Conn
		defer func() {
			for _, c := range held {
				c.Close()
			}
		}()
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			held = append(held, c)
		}
	}()
	return l.Addr().String()
}

// A cable pulled while the binary writes the program: the module's own
// main.py stays whole and no file of the program exists under its real
// name. The peer pulls its own cable once the program's .part file is
// open and the first chunk has gone in, an exact point that timing alone
// could not hit.
func TestBinarySetupWriteInterruptedKeepsOldMain(t *testing.T) {
	hub, ca := setupHub(t)
	if _, err := hub.AddDevice("unplugged"); err != nil {
		t.Fatal(err)
	}
	cs, _ := hub.DeviceConnectionString("unplugged")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	flash := t.TempDir()
	old := []byte("# the customer's own program\nprint('factory')\n")
	peer, err := testpeer.Start(ctx, testpeer.Options{
		FlashDir: flash,
		Files:    map[string][]byte{"main.py": old},
		// Paths reach the module hex-encoded, so any name is safe in Python.
		Unplug: &testpeer.Unplug{After: hex.EncodeToString([]byte("/usr/qpyhub_app.py.part")), ThenBytes: 2048},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer peer.Close()
	cmd := exec.CommandContext(ctx, qpyhubBinary(t), "setup", "--port", peer.Path(), "--json",
		"--server", hub.MQTTAddr(), "--ca", ca, "--rest", hub.HTTPURL())
	cmd.Env = binaryEnv(t, envConnectionString+"="+cs)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err = cmd.Run()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 {
		t.Fatalf("exit %v, want 1\nstdout %s\nstderr %s", err, out.String(), errOut.String())
	}
	objs := setupJSONLines(t, out.String())
	if len(objs) != 1 || objs[0]["stage"] != "write" || objs[0]["result"] != "failed" {
		t.Fatalf("results %v", objs)
	}

	again, err := testpeer.Start(ctx, testpeer.Options{FlashDir: flash})
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	s, err := repl.Open(ctx, again.Path(), repl.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	fs := modfs.New(s, modfs.Options{})
	var main bytes.Buffer
	if _, err := fs.Get(ctx, "/usr/main.py", &main, nil); err != nil || !bytes.Equal(main.Bytes(), old) {
		t.Fatalf("main.py after the unplug: %q (%v)", main.String(), err)
	}
	for _, name := range []string{"/usr/qpyhub_app.py", "/usr/qpyhub_config.json"} {
		var b bytes.Buffer
		if _, err := fs.Get(ctx, name, &b, nil); !errors.Is(err, modfs.ErrNotFound) {
			t.Fatalf("%s after the unplug: %d bytes, err %v; want it absent", name, b.Len(), err)
		}
	}
}
