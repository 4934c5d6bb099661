//go:build linux

package e2e

import (
	"bytes"
	"context"
	"errors"
	"os/exec"
	"testing"
	"time"

	"qpyhub/cloud/hubsim"
	"qpyhub/device/modfs"
	"qpyhub/device/repl"
	"qpyhub/device/testpeer"
)

// The built binary's setup --keep-main on a module whose main.py is an
// application written against the library (testdata/libapp.py): main.py
// stays byte for byte, the result is online and says the module runs its
// own main.py, and after the restart the application's own telemetry
// reaches the hub. setup --restore then removes the library and the
// config and leaves main.py as it was.
func TestBinarySetupKeepMain(t *testing.T) {
	forEachBinary(t, checkKeepMain)
}

func checkKeepMain(t *testing.T, bin string) {
	hub, ca := setupHub(t)
	if _, err := hub.AddDevice("keep-app"); err != nil {
		t.Fatal(err)
	}
	cs, _ := hub.DeviceConnectionString("keep-app")
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	peer, err := testpeer.Start(ctx, testpeer.Options{Files: map[string][]byte{"main.py": libApp}, RunMainAtBoot: true})
	if err != nil {
		t.Fatal(err)
	}
	defer peer.Close()
	cmd := exec.CommandContext(ctx, bin, "setup", "--keep-main", "--port", peer.Path(), "--json",
		"--server", hub.MQTTAddr(), "--ca", ca, "--rest", hub.HTTPURL())
	cmd.Env = binaryEnv(t, "QPYHUB_CONNECTION_STRING"+"="+cs, "QPYHUB_CHECK_CONNECTION_STRING"+"="+hub.PolicyConnectionString("iothubowner"))
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		t.Fatalf("qpyhub setup --keep-main: %v\nstdout %s\nstderr %s", err, out.String(), errOut.String())
	}
	objs := setupJSONLines(t, out.String())
	if len(objs) != 1 || objs[0]["result"] != "online" || objs[0]["runs"] != "own-main" || objs[0]["confirmed"] != "cloud" {
		t.Fatalf("results %v", objs)
	}
	if _, err := hub.WaitTelemetry(ctx, "keep-app", func(m hubsim.TelemetryMessage) bool { return m.Properties["kind"] == "count" }); err != nil {
		t.Fatalf("no telemetry from the application after the restart: %v", err)
	}
	files := readModule(t, ctx, peer.Path(), "/usr/main.py", "/usr/qpyhub.py", "/usr/qpyhub_config.json", "/usr/qpyhub_app.py", "/usr/main.py.qpyhub-bak")
	if !bytes.Equal(files["/usr/main.py"], libApp) {
		t.Fatalf("main.py changed:\n%s", files["/usr/main.py"])
	}
	if files["/usr/qpyhub.py"] == nil || files["/usr/qpyhub_config.json"] == nil || files["/usr/qpyhub_app.py"] != nil || files["/usr/main.py.qpyhub-bak"] != nil {
		t.Fatalf("files on the module: library %v, config %v, check program %v, backup %v", files["/usr/qpyhub.py"] != nil,
			files["/usr/qpyhub_config.json"] != nil, files["/usr/qpyhub_app.py"] != nil, files["/usr/main.py.qpyhub-bak"] != nil)
	}

	if stdout, stderr, code := runBinary(t, ctx, bin, "setup", "--restore", "--port", peer.Path()); code != 0 {
		t.Fatalf("restore: exit %d\n%s%s", code, stdout, stderr)
	}
	files = readModule(t, ctx, peer.Path(), "/usr/main.py", "/usr/qpyhub.py", "/usr/qpyhub_config.json")
	if !bytes.Equal(files["/usr/main.py"], libApp) || files["/usr/qpyhub.py"] != nil || files["/usr/qpyhub_config.json"] != nil {
		t.Fatalf("after restore: main.py unchanged %v, library left %v, config left %v", bytes.Equal(files["/usr/main.py"], libApp),
			files["/usr/qpyhub.py"] != nil, files["/usr/qpyhub_config.json"] != nil)
	}
}

// readModule reads files from the module at port; an absent one is nil.
func readModule(t *testing.T, ctx context.Context, port string, names ...string) map[string][]byte {
	t.Helper()
	s, err := repl.Open(ctx, port, repl.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	fs := modfs.New(s, modfs.Options{})
	out := map[string][]byte{}
	for _, name := range names {
		var b bytes.Buffer
		_, err := fs.Get(ctx, name, &b, nil)
		switch {
		case errors.Is(err, modfs.ErrNotFound):
			out[name] = nil
		case err != nil:
			t.Fatalf("%s: %v", name, err)
		default:
			out[name] = b.Bytes()
		}
	}
	return out
}
