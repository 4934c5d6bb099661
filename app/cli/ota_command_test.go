package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"qpyhub/app/ota"
	"qpyhub/cloud"
	"qpyhub/cloud/blobstore/blobtest"
	"qpyhub/cloud/hubclient"
	"qpyhub/cloud/hubsim"
	"qpyhub/cloud/registry"
)

// runOTA runs "qpyhub ota ACTION <hub flags> args…".
func runOTA(t *testing.T, fh fleetHub, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = runCommand(devicesCtx(t), "ota", append(append([]string{args[0]}, fh.flags...), args[1:]...), &out, &errOut)
	return code, out.String(), errOut.String()
}

// runLocal runs "qpyhub ota args…" with no hub.
func runLocal(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = runCommand(devicesCtx(t), "ota", args, &out, &errOut)
	return code, out.String(), errOut.String()
}

// oneLine checks the frame's answer to a bad argument or a failure.
func otaOneLine(t *testing.T, code, want int, stdout, stderr, mention string) {
	t.Helper()
	lines := strings.Split(strings.TrimSuffix(stderr, "\n"), "\n")
	if code != want || len(lines) != 1 || !strings.HasPrefix(stderr, "qpyhub ota: ") || !strings.Contains(stderr, mention) {
		t.Fatalf("exit %d, stderr %q, want exit %d and one line naming %q", code, stderr, want, mention)
	}
	if want == 2 && stdout != "" {
		t.Fatalf("stdout %q for a bad argument", stdout)
	}
}

// packApp writes a small application and packs it as version.
func packApp(t *testing.T, version string) string {
	t.Helper()
	dir := t.TempDir()
	for rel, content := range map[string]string{"main.py": "import app\n", "app/run.py": "print('" + version + "')\n", "notes.txt": "x", ".qpyhubignore": "*.txt\n"} {
		p := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	file := filepath.Join(t.TempDir(), "app.zip")
	if code, _, stderr := runLocal(t, "pack", dir, "--version", version, "-o", file); code != 0 {
		t.Fatalf("pack: exit %d, %s", code, stderr)
	}
	return file
}

func TestOTAPackAndShow(t *testing.T) {
	file := packApp(t, "1.4.0")
	code, stdout, stderr := runLocal(t, "show", file, "--json")
	var m ota.Manifest
	if code != 0 || json.Unmarshal([]byte(stdout), &m) != nil {
		t.Fatalf("show --json: exit %d, %q %q", code, stdout, stderr)
	}
	if m.Version != "1.4.0" || len(m.Files) != 2 || m.Files[0].Path != "/usr/app/run.py" || m.Files[1].Path != "/usr/main.py" {
		t.Fatalf("manifest %+v", m)
	}
	code, stdout, _ = runLocal(t, "show", file)
	if code != 0 || !strings.Contains(stdout, "/usr/main.py") || !strings.Contains(stdout, m.Files[1].SHA256) {
		t.Fatalf("show: exit %d, %q", code, stdout)
	}
	dir := t.TempDir()
	code, stdout, stderr = runLocal(t, "pack", dir, "-o", file)
	otaOneLine(t, code, 2, stdout, stderr, "--version")
	code, stdout, stderr = runLocal(t, "pack", dir, "--version", "1 0", "-o", file)
	otaOneLine(t, code, 2, stdout, stderr, "--version")
	code, stdout, stderr = runLocal(t, "pack", dir, "--version", "1.0")
	otaOneLine(t, code, 2, stdout, stderr, "-o")
	code, stdout, stderr = runLocal(t, "pack", dir, "--version", "1.0", "-o", filepath.Join(t.TempDir(), "b.zip"))
	otaOneLine(t, code, 1, stdout, stderr, "no files")
}

func TestOTAShowRefusesADamagedBundle(t *testing.T) {
	file := packApp(t, "1.0")
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	// Flip one byte of the stored data: the zip's own CRC or the digest trips.
	i := bytes.Index(b, []byte("files/main.py")) + len("files/main.py") + 2
	b[i] ^= 0xff
	damaged := filepath.Join(t.TempDir(), "damaged.zip")
	if err := os.WriteFile(damaged, b, 0o600); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runLocal(t, "show", damaged)
	otaOneLine(t, code, 1, stdout, stderr, "bundle")
}

// otaModule is a device reporting as the module library does.
func otaModule(t *testing.T, hub *hubsim.Server, id string, r ota.Reported) {
	t.Helper()
	rec, _ := hub.Device(id)
	s, err := hubclient.New(hubclient.Config{Identity: cloud.DeviceIdentity{Host: hub.HostName(), DeviceID: id, Key: rec.PrimaryKey},
		ServerAddr: hub.MQTTAddr(), RootCAs: hubPool(t, hub)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	if err := s.Connect(devicesCtx(t)); err != nil {
		t.Fatal(err)
	}
	patch, _ := json.Marshal(map[string]any{"qpyhub": map[string]any{"ota": r}})
	if _, err := s.PatchReported(devicesCtx(t), patch); err != nil {
		t.Fatal(err)
	}
}

func TestOTAStartThenStatus(t *testing.T) {
	fh := startFleetHub(t, 3)
	file := packApp(t, "2.0")
	code, stdout, stderr := runOTA(t, fh, "start", file, "--device", "t000", "--device", "t001")
	if code != 0 || !strings.Contains(stdout, "t000: ") || !strings.Contains(stdout, "t001: ") {
		t.Fatalf("start: exit %d, %q %q", code, stdout, stderr)
	}
	code, stdout, _ = runOTA(t, fh, "status", "--device", "t000", "--json")
	var s ota.DeviceStatus
	if code != 0 || json.Unmarshal([]byte(stdout), &s) != nil || !s.NoReport || s.State != ota.StateIdle || s.Desired != "2.0" {
		t.Fatalf("status before any report: exit %d, %q", code, stdout)
	}
	otaModule(t, fh.hub, "t000", ota.Reported{Version: "2.0", State: ota.StateDone, Progress: 100, Running: "2.0"})
	code, stdout, stderr = runOTA(t, fh, "status", "--device", "t000", "--watch", "--interval", "50ms")
	if code != 0 || !strings.Contains(stdout, "done") {
		t.Fatalf("status --watch with the update done: exit %d, %q %q", code, stdout, stderr)
	}
	otaModule(t, fh.hub, "t001", ota.Reported{Version: "2.0", State: ota.StateFailed, Error: "sha256 mismatch for /usr/main.py", Running: "1.0"})
	code, stdout, stderr = runOTA(t, fh, "status", "--device", "t000", "--device", "t001", "--watch", "--interval", "50ms")
	if code != 1 || !strings.Contains(stdout, "sha256 mismatch for /usr/main.py") || strings.Count(stderr, "\n") != 1 {
		t.Fatalf("status --watch with one failed: exit %d, %q %q; want exit 1, the error, one stderr line", code, stdout, stderr)
	}
	code, stdout, _ = runOTA(t, fh, "status")
	if code != 0 || !strings.Contains(stdout, "t002") || !strings.Contains(stdout, "no report yet") {
		t.Fatalf("status of every device: exit %d, %q", code, stdout)
	}
}

func TestOTAStartByQueryRunsAJob(t *testing.T) {
	fh := startFleetHub(t, 4)
	code, stdout, stderr := runOTA(t, fh, "start", packApp(t, "3.0"), "--query", "WHERE tags.even = true")
	if code != 0 || !strings.Contains(stdout, "job ") {
		t.Fatalf("start --query: exit %d, %q %q", code, stdout, stderr)
	}
	code, stdout, _ = runOTA(t, fh, "status", "--query", "WHERE properties.desired.qpyhub.ota.version = '3.0'", "--json")
	if code != 0 || strings.Count(stdout, "\n") != 2 || !strings.Contains(stdout, `"t000"`) || !strings.Contains(stdout, `"t002"`) {
		t.Fatalf("the devices asked for 3.0: exit %d, %q", code, stdout)
	}
}

func TestOTAStartArguments(t *testing.T) {
	fh := startFleetHub(t, 1)
	file := packApp(t, "2.0")
	cases := []struct {
		args    []string
		mention string
	}{
		{[]string{"start", file}, "--device"},
		{[]string{"start", file, "--device", "t000", "--query", "WHERE x"}, "--query"},
		{[]string{"start", file, "--device", "bad id?"}, "--device"},
		{[]string{"start", file, "--device", "t000", "--container", "c1"}, "--container"},
		{[]string{"start", file, "--device", "t000", "--base-url", "http://files.example.com"}, "--base-url"},
		{[]string{"start", file, "--device", "t000", "--base-url", "https://f.example.com", "--storage-connection-string", "AccountName=a;AccountKey=YWJj"}, "--base-url"},
		{[]string{"start", file, "--device", "t000", "--storage-connection-string", "HostName=x;SharedAccessKey=YWJj"}, "--storage-connection-string"},
		{[]string{"start", file, "--device", "t000", "--url-ttl", "0s", "--storage-connection-string", "AccountName=a;AccountKey=YWJj"}, "--url-ttl"},
	}
	for _, tc := range cases {
		code, stdout, stderr := runOTA(t, fh, tc.args...)
		otaOneLine(t, code, 2, stdout, stderr, tc.mention)
	}
	code, stdout, stderr := runOTA(t, fh, "start", filepath.Join(t.TempDir(), "none.zip"), "--device", "t000")
	otaOneLine(t, code, 1, stdout, stderr, "bundle")
}

func TestOTAStartWithAStorageAccountKeepsTheKey(t *testing.T) {
	az := blobtest.Start(t)
	fh := startFleetHub(t, 1)
	file := packApp(t, "5.0")
	t.Setenv(envStorageConnectionString, az.ConnectionString)
	code, stdout, stderr := runOTA(t, fh, "start", file, "--device", "t000", "--json", "--url-ttl", "1h")
	if code != 0 || !strings.Contains(stdout, "sp=r") {
		t.Fatalf("start with storage: exit %d, %q %q", code, stdout, stderr)
	}
	wrong := strings.Replace(az.ConnectionString, az.AccountKey, strings.Repeat("QUJD", 22), 1)
	code2, stdout2, stderr2 := runOTA(t, fh, "start", file, "--device", "t000", "--storage-connection-string", wrong)
	otaOneLine(t, code2, 1, stdout2, stderr2, "key")
	for _, out := range []string{stdout, stderr, stdout2, stderr2} {
		if strings.Contains(out, az.AccountKey) || strings.Contains(out, strings.Repeat("QUJD", 22)) {
			t.Fatalf("an account key reached the output: %q", out)
		}
	}
	tw, err := newTestRegistry(t, fh).GetTwin(devicesCtx(t), "t000")
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := json.Marshal(tw)
	if strings.Contains(string(raw), az.AccountKey) || !strings.Contains(string(raw), "5.0/main.py") {
		t.Fatalf("twin %s: want the storage URLs and no key", raw)
	}
}

func TestOTAStartOnAHubThatRefuses(t *testing.T) {
	fh := startFleetHub(t, 1)
	t.Setenv(envHubConnectionString, fh.hub.PolicyConnectionString("registryRead"))
	code, stdout, stderr := runOTA(t, fh, "start", packApp(t, "2.0"), "--device", "t000")
	otaOneLine(t, code, 1, stdout, stderr, "registryReadWrite")
}

// newTestRegistry is a registry client for the fleet hub.
func newTestRegistry(t *testing.T, fh fleetHub) *registry.Client {
	t.Helper()
	rc, err := registry.New(fh.hub.PolicyConnectionString("iothubowner"), registry.Options{BaseURL: fh.hub.HTTPURL(), RootCAs: hubPool(t, fh.hub)})
	if err != nil {
		t.Fatal(err)
	}
	return rc
}
