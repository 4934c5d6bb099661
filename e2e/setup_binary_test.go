//go:build linux

package e2e

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net"
	"os"
	"os/exec"
	"path/filepath"
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
	policy := func(hub *hubsim.Server, name string) string { return hub.PolicyConnectionString(name) }
	cases := []setupCase{
		{name: "existing device", prepare: func(t *testing.T, hub *hubsim.Server) ([]string, []string) {
			if _, err := hub.AddDevice("tray-01"); err != nil {
				t.Fatal(err)
			}
			cs, _ := hub.DeviceConnectionString("tray-01")
			return nil, []string{"QPYHUB_CONNECTION_STRING" + "=" + cs, "QPYHUB_CHECK_CONNECTION_STRING" + "=" + policy(hub, "iothubowner")}
		}, result: "online"},
		{name: "new device from a hub policy", prepare: func(t *testing.T, hub *hubsim.Server) ([]string, []string) {
			return []string{"--device-id-template", "line-{imei}"}, []string{"QPYHUB_HUB_CONNECTION_STRING" + "=" + policy(hub, "iothubowner")}
		}, result: "online"},
		{name: "DPS enrollment group", prepare: func(t *testing.T, hub *hubsim.Server) ([]string, []string) {
			if err := hub.AddEnrollmentGroup("tray", setupGroupKey, true); err != nil {
				t.Fatal(err)
			}
			return []string{"--dps", "--id-scope", hub.DPSIDScope()},
				[]string{"QPYHUB_GROUP_KEY" + "=" + setupGroupKey, "QPYHUB_CHECK_CONNECTION_STRING" + "=" + policy(hub, "iothubowner")}
		}, result: "online"},
		{name: "SIM missing", scenario: map[string]any{"sim_status": 0}, prepare: func(t *testing.T, hub *hubsim.Server) ([]string, []string) {
			return nil, []string{"QPYHUB_HUB_CONNECTION_STRING" + "=" + policy(hub, "iothubowner")}
		}, code: 1, result: "failed", stage: "module", wantError: "SIM"},
		{name: "device already exists", prepare: func(t *testing.T, hub *hubsim.Server) ([]string, []string) {
			if _, err := hub.AddDevice("line-" + defaultPeerIMEI); err != nil {
				t.Fatal(err)
			}
			return []string{"--device-id-template", "line-{imei}"}, []string{"QPYHUB_HUB_CONNECTION_STRING" + "=" + policy(hub, "iothubowner")}
		}, code: 1, result: "failed", stage: "identity", wantError: "exists"},
		{name: "policy without write rights", prepare: func(t *testing.T, hub *hubsim.Server) ([]string, []string) {
			return nil, []string{"QPYHUB_HUB_CONNECTION_STRING" + "=" + policy(hub, "registryRead")}
		}, code: 1, result: "failed", stage: "identity", wantError: "registryReadWrite"},
		{name: "DPS group disabled", prepare: func(t *testing.T, hub *hubsim.Server) ([]string, []string) {
			if err := hub.AddEnrollmentGroup("tray", setupGroupKey, false); err != nil {
				t.Fatal(err)
			}
			return []string{"--dps", "--id-scope", hub.DPSIDScope(), "--dps-check", "--dps-host", "localhost"},
				[]string{"QPYHUB_GROUP_KEY" + "=" + setupGroupKey}
		}, code: 1, result: "failed", stage: "identity", wantError: "disabled"},
		{name: "verification timeout", prepare: func(t *testing.T, hub *hubsim.Server) ([]string, []string) {
			if _, err := hub.AddDevice("silent"); err != nil {
				t.Fatal(err)
			}
			cs, _ := hub.DeviceConnectionString("silent")
			mute := silentListener(t)
			return []string{"--server", mute, "--verify-timeout", "5s"}, []string{"QPYHUB_CONNECTION_STRING" + "=" + cs}
		}, code: 1, result: "failed", stage: "verify"},
	}
	forEachBinary(t, func(t *testing.T, bin string) {
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				t.Parallel()
				c.check(t, bin)
			})
		}
	})
}

// setupGroupKey is the enrollment group key of the DPS cases.
const setupGroupKey = "8isrFI1sGsIlvvFSSFRiMfCNzv21fjbE/+ah/lSh3lF8e2YG1Te7w1KpZhJFFXJrqYKi9yegxkqIChbqOS9Egw=="

// setupCase is one setup the binary runs: the module the peer plays, the
// hub's state and the flags, and how the one result must read.
type setupCase struct {
	name     string
	scenario map[string]any
	// prepare sets the hub up and returns the flags and environment.
	prepare   func(t *testing.T, hub *hubsim.Server) (args, env []string)
	code      int
	result    string
	stage     string
	wantError string
}

func (c setupCase) check(t *testing.T, bin string) {
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
	cmd := exec.CommandContext(ctx, bin, args...)
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
	if strings.Contains(out.String()+errOut.String(), setupGroupKey) {
		t.Fatal("a key reached the output")
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
	forEachBinary(t, checkWriteInterruptedKeepsOldMain)
}

func checkWriteInterruptedKeepsOldMain(t *testing.T, bin string) {
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
		// Paths reach the module as escaped bytes literals, readable here.
		Unplug: &testpeer.Unplug{After: "/usr/qpyhub_app.py.part", ThenBytes: 2048},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer peer.Close()
	cmd := exec.CommandContext(ctx, bin, "setup", "--port", peer.Path(), "--json",
		"--server", hub.MQTTAddr(), "--ca", ca, "--rest", hub.HTTPURL())
	cmd.Env = binaryEnv(t, "QPYHUB_CONNECTION_STRING"+"="+cs)
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

// The built binary, as a production line runs it: a token with a TTL,
// the policy from the environment, the record as JSON lines. Neither the
// key nor the token shows anywhere but on the module.
func TestBinarySetupTokenRecordHasNoSecrets(t *testing.T) {
	forEachBinary(t, checkTokenRecordHasNoSecrets)
}

func checkTokenRecordHasNoSecrets(t *testing.T, bin string) {
	hub, ca := setupHub(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	peer, err := testpeer.Start(ctx, testpeer.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer peer.Close()
	record := filepath.Join(t.TempDir(), "tray.jsonl")
	cmd := exec.CommandContext(ctx, bin, "setup", "--port", peer.Path(), "--token-ttl", "1h",
		"--record", record, "--server", hub.MQTTAddr(), "--ca", ca, "--rest", hub.HTTPURL(), "--device-id-template", "line-{imei}")
	cmd.Env = binaryEnv(t, "QPYHUB_HUB_CONNECTION_STRING"+"="+hub.PolicyConnectionString("iothubowner"))
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		t.Fatalf("qpyhub setup: %v\nstdout %s\nstderr %s", err, out.String(), errOut.String())
	}
	if !strings.Contains(out.String(), "1 of 1 modules online") {
		t.Fatalf("summary missing:\n%s", out.String())
	}
	token := moduleConfigToken(t, peer.Path())
	dev, ok := hub.Device("line-866327040000001")
	if !ok {
		t.Fatal("the setup created no device in the hub")
	}
	key := dev.PrimaryKey
	rec, err := os.ReadFile(record)
	if err != nil {
		t.Fatal(err)
	}
	var r map[string]string
	if err := json.Unmarshal(bytes.TrimSpace(rec), &r); err != nil || r["result"] != "online" || r["auth"] != "token" {
		t.Fatalf("record %s: %v", rec, err)
	}
	sig := token[strings.Index(token, "sig=")+4:]
	sig = sig[:strings.IndexAny(sig+"&", "&")]
	for name, text := range map[string]string{"record": string(rec), "stdout": out.String(), "stderr": errOut.String()} {
		for _, secret := range []string{key, token, sig} {
			if strings.Contains(text, secret) {
				t.Fatalf("%s holds a secret", name)
			}
		}
	}
}

// setupJSONLines reads --json output: one object per module.
func setupJSONLines(t *testing.T, out string) []map[string]any {
	t.Helper()
	var objs []map[string]any
	for sc := bufio.NewScanner(strings.NewReader(out)); sc.Scan(); {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("line is not one JSON object: %q", sc.Text())
		}
		objs = append(objs, m)
	}
	return objs
}

// moduleConfigToken reads the token the setup wrote to the module.
func moduleConfigToken(t *testing.T, port string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	s, err := repl.Open(ctx, port, repl.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var b bytes.Buffer
	if _, err := modfs.New(s, modfs.Options{}).Get(ctx, "/usr/qpyhub_config.json", &b, nil); err != nil {
		t.Fatal(err)
	}
	var cfg struct{ Auth, Token string }
	if err := json.Unmarshal(b.Bytes(), &cfg); err != nil || cfg.Auth != "token" || cfg.Token == "" {
		t.Fatalf("config on the module: auth %q, %v", cfg.Auth, err)
	}
	return cfg.Token
}
