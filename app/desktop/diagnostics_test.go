package desktop

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"qpyhub/app/applog"
	"qpyhub/cloud"
	"qpyhub/device/ports"
	"qpyhub/ui"
)

// TestDiagnosticsCarryNoSecret fills the log with errors that hold the
// local hub's keys — some through the redacting logger, some written raw
// as an older version might have — and checks the diagnostics text names
// the machine, the ports, the hub and the errors, but no key.
func TestDiagnosticsCarryNoSecret(t *testing.T) {
	hub, err := startLocalHub(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer hub.Close()
	cs, err := hub.DeviceConnectionString(demoDevice)
	if err != nil {
		t.Fatal(err)
	}
	parsed, err := cloud.ParseConnectionString(cs)
	if err != nil {
		t.Fatal(err)
	}
	key := parsed.SharedAccessKey
	policy, _ := cloud.ParseConnectionString(hub.srv.PolicyConnectionString("iothubowner"))
	id, _ := cloud.IdentityFromConnectionString(parsed)
	creds, err := cloud.DeviceMQTTCredentials(id, time.Now().Add(time.Hour), false)
	if err != nil {
		t.Fatal(err)
	}
	token, _ := cloud.ParseSASToken(creds.Password)

	logDir := filepath.Join(t.TempDir(), "logs")
	log, closer, err := applog.Open(logDir, slog.LevelDebug)
	if err != nil {
		t.Fatal(err)
	}
	log.Error("connect failed", "err", errors.New("refused "+creds.Password), "cs", cs)
	log.Warn("policy in use", "value", policy.SharedAccessKey)
	closer.Close()
	raw := `{"level":"ERROR","msg":"older version wrote ` + cs + ` and ` + creds.Password + `"}` + "\n"
	f, err := os.OpenFile(filepath.Join(logDir, applog.FileName), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString(raw)
	f.Close()

	d := newDiagnostics(logDir, ui.Services{LocalHub: hub, Version: testVersion})
	d.listPorts = func() ([]ports.Port, error) {
		return []ports.Port{
			{Name: "/dev/ttyUSB2", VID: 0x2C7C, PID: 0x6001, Role: ports.RoleREPL, Model: "EC600N/EC800N"},
			{Name: "/dev/ttyS0", Role: ports.RoleUnknown},
		}, nil
	}
	text := d.Text()
	for _, secret := range []string{key, policy.SharedAccessKey, creds.Password, token.Signature} {
		if secret == "" || strings.Contains(text, secret) {
			t.Errorf("diagnostics hold the secret %q:\n%s", secret, text)
		}
	}
	for _, want := range []string{"qpyhub " + testVersion, runtime.Version(), runtime.GOOS + "/" + runtime.GOARCH,
		hub.Address(), "/dev/ttyUSB2  2C7C:6001  repl  EC600N/EC800N", "/dev/ttyS0  -  unknown",
		"connect failed", "policy in use", "older version wrote HostName="} {
		if !strings.Contains(text, want) {
			t.Errorf("diagnostics lack %q:\n%s", want, text)
		}
	}
	if d.LogFolder() != logDir {
		t.Errorf("LogFolder = %q, want %q", d.LogFolder(), logDir)
	}
}

// TestDiagnosticsSayWhatIsMissing also checks that error texts, not
// only log lines, pass through the redactor.
func TestDiagnosticsSayWhatIsMissing(t *testing.T) {
	const sig = "Zm9vYmFyZm9vYmFyZm9vYmFyZm9vYmFyZm9vYmFyZm8%3D"
	d := diagnostics{
		logDir: t.TempDir(), hubErr: errors.New("port 8883 taken"),
		listPorts: func() ([]ports.Port, error) {
			return nil, errors.New("no permission (SharedAccessSignature sr=h&sig=" + sig + ")")
		},
	}
	text := d.Text()
	if strings.Contains(text, sig) {
		t.Errorf("diagnostics hold the signature:\n%s", text)
	}
	for _, want := range []string{"port 8883 taken", "no permission", "No warnings or errors in the log."} {
		if !strings.Contains(text, want) {
			t.Errorf("diagnostics lack %q:\n%s", want, text)
		}
	}
}

// testVersion stands for the version app passes to Run.
const testVersion = "9.8.7-test"
