package desktop

import (
	"context"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"qpyhub/app/applog"
	"qpyhub/app/provision"
	"qpyhub/cloud"
	"qpyhub/ui"
)

const runnerTestPolicy = "HostName=tray.azure-devices.net;SharedAccessKeyName=registryReadWrite;SharedAccessKey=cG9saWN5LWtleS1mb3ItdGhlLXJlZ2lzdHJ5LTAxMjM="

func TestSetupRunnerTranslatesThePlan(t *testing.T) {
	tests := []struct {
		plan ui.SetupPlan
		mode provision.IdentityMode
	}{
		{ui.SetupPlan{Identity: ui.SetupExistingDevice, DeviceConnectionString: "HostName=h;DeviceId=d;SharedAccessKey=a2V5", CheckConnectionString: runnerTestPolicy}, provision.IdentityDevice},
		{ui.SetupPlan{Identity: ui.SetupNewDevice, HubConnectionString: runnerTestPolicy, DeviceIDTemplate: "{imei}", ReuseExisting: true}, provision.IdentityRegistry},
		{ui.SetupPlan{Identity: ui.SetupDPSGroup, IDScope: "0ne1", GroupKey: "a2V5", RegistrationIDTemplate: "r-{imei}", CheckEnrollment: true, TokenTTL: time.Hour}, provision.IdentityDPS},
	}
	proxied := false
	proxy := func(*http.Request) (*url.URL, error) { proxied = true; return nil, nil }
	for _, tc := range tests {
		p, err := setupRunner{proxy: proxy}.pipelinePlan(tc.plan)
		if err != nil {
			t.Fatalf("%s: %v", tc.plan.Identity, err)
		}
		if p.Mode != tc.mode || p.ConnectionString != tc.plan.DeviceConnectionString || p.HubConnectionString != tc.plan.HubConnectionString ||
			p.DeviceIDTemplate != tc.plan.DeviceIDTemplate || p.ReuseExisting != tc.plan.ReuseExisting || p.IDScope != tc.plan.IDScope ||
			p.GroupKey != tc.plan.GroupKey || p.RegistrationIDTemplate != tc.plan.RegistrationIDTemplate ||
			p.DPSCheckFromPC != tc.plan.CheckEnrollment || p.TokenTTL != tc.plan.TokenTTL || p.Server != "" ||
			p.CheckConnectionString != tc.plan.CheckConnectionString {
			t.Errorf("%s: translated to %+v", tc.plan.Identity, p)
		}
		proxied = false
		if p.Proxy == nil {
			t.Errorf("%s: the Settings proxy did not reach the pipeline", tc.plan.Identity)
			continue
		}
		_, _ = p.Proxy(&http.Request{URL: &url.URL{Scheme: "https", Host: "dps"}})
		if !proxied {
			t.Errorf("%s: the pipeline's proxy is not the Settings one", tc.plan.Identity)
		}
	}
}

func TestSetupRunnerPointsAtTheLocalHub(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	hub, err := startLocalHub(ctx, t.TempDir())
	if err != nil {
		t.Fatalf("startLocalHub: %v", err)
	}
	defer hub.Close()

	policy, err := hub.PolicyConnectionString()
	if err != nil {
		t.Fatal(err)
	}
	cs, err := cloud.ParseConnectionString(policy)
	if err != nil || cs.IsDevice() || cs.SharedAccessKeyName != "registryReadWrite" {
		t.Fatalf("local policy %s: %v", cs.Redacted(), err)
	}
	p, err := setupRunner{local: hub}.pipelinePlan(ui.SetupPlan{Identity: ui.SetupNewDevice, HubConnectionString: policy, LocalHub: true})
	if err != nil {
		t.Fatal(err)
	}
	if p.Server != hub.Address() || !strings.Contains(string(p.CAPEM), "BEGIN CERTIFICATE") || !strings.HasPrefix(p.ServiceURL, "https://") || p.CheckConnectionString == "" {
		t.Errorf("local hub plan: server %q (want %q), CA %d bytes, service %q, check set %v",
			p.Server, hub.Address(), len(p.CAPEM), p.ServiceURL, p.CheckConnectionString != "")
	}

	res := setupRunner{}.Run(ctx, ui.SetupPlan{Identity: ui.SetupNewDevice, HubConnectionString: policy, LocalHub: true}, []string{"/dev/ttyQ1"}, func(ui.SetupProgress) {})
	if len(res) != 1 || res[0].Result != ui.SetupFailed || !strings.Contains(res[0].Error, "local hub is not running") {
		t.Errorf("no local hub: %+v", res)
	}
}

// TestSetupRunnerKeepsOffAPortTheTerminalHolds runs a tray of two where
// the terminal holds one port: that one fails at once with the reason,
// the other reaches the pipeline (and fails there, having no module).
func TestSetupRunnerKeepsOffAPortTheTerminalHolds(t *testing.T) {
	modules := newModuleServices()
	dir := t.TempDir()
	held, free := filepath.Join(dir, "ttyHeld"), filepath.Join(dir, "ttyFree")
	if err := modules.take(held, holderTerminal); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	seen := map[string]bool{}
	plan := ui.SetupPlan{Identity: ui.SetupNewDevice, HubConnectionString: runnerTestPolicy, DeviceIDTemplate: "{imei}"}
	logDir := t.TempDir()
	log, closeLog, err := applog.Open(logDir, slog.LevelDebug)
	if err != nil {
		t.Fatal(err)
	}
	res := setupRunner{modules: modules, log: log}.Run(context.Background(), plan, []string{held, free}, func(p ui.SetupProgress) {
		mu.Lock()
		defer mu.Unlock()
		seen[p.Port] = true
	})
	if len(res) != 2 || res[0].Port != held || res[1].Port != free {
		t.Fatalf("results %+v", res)
	}
	if res[0].Result != ui.SetupFailed || res[0].Error != ui.ErrTerminalHoldsPort.Error() {
		t.Errorf("held port: %q %q", res[0].Result, res[0].Error)
	}
	if res[1].Result != ui.SetupFailed || res[1].Error == ui.ErrTerminalHoldsPort.Error() || !seen[free] || seen[held] {
		t.Errorf("free port: %q %q (progress seen %v)", res[1].Result, res[1].Error, seen)
	}
	if err := modules.take(free, holderOperation); err != nil {
		t.Errorf("the free port was not given back: %v", err)
	}

	// Both failures are in the log, for the diagnostics' last errors,
	// and the policy's key is not.
	closeLog.Close()
	lines, err := applog.Recent(logDir, 10, slog.LevelWarn)
	if err != nil {
		t.Fatal(err)
	}
	logged := strings.Join(lines, "\n")
	for _, port := range []string{held, free} {
		if !strings.Contains(logged, `"msg":"setup failed"`) || !strings.Contains(logged, port) {
			t.Errorf("no failure line for %s in the log:\n%s", port, logged)
		}
	}
	key := runnerTestPolicy[strings.Index(runnerTestPolicy, "SharedAccessKey=")+len("SharedAccessKey="):]
	if data, _ := os.ReadFile(filepath.Join(logDir, applog.FileName)); strings.Contains(string(data), key) {
		t.Error("the policy key reached the log")
	}
}

// The screen gets who confirmed the module and its TLS, with the same
// sentences the command line prints; its constants are the pipeline's.
func TestSetupRunnerCarriesConfirmedAndTLS(t *testing.T) {
	for ui, want := range map[string]string{ui.SetupOnline: provision.ResultOnline, ui.SetupFailed: provision.ResultFailed,
		ui.SetupConfirmedCloud: provision.ConfirmedCloud, ui.SetupConfirmedModule: provision.ConfirmedModule,
		ui.SetupTLSVerified: provision.TLSVerified, ui.SetupTLSUnverified: provision.TLSUnverified} {
		if ui != want {
			t.Errorf("the screen's %q is the pipeline's %q", ui, want)
		}
	}
	got := fromSetupResult(provision.Result{Port: "COM5", Result: provision.ResultOnline, Confirmed: provision.ConfirmedModule,
		TLS: provision.TLSUnverified, TLSReason: "no ca"})
	if got.Confirmed != ui.SetupConfirmedModule || got.ConfirmedNote != provision.NoteConfirmedByModule ||
		got.TLS != ui.SetupTLSUnverified || got.TLSNote != provision.NoteTLSUnverified || got.TLSReason != "no ca" {
		t.Fatalf("screen result %+v", got)
	}
	got = fromSetupResult(provision.Result{Port: "COM5", Result: provision.ResultOnline, Confirmed: provision.ConfirmedCloud,
		Confirmation: provision.ConfirmTwin, TLS: provision.TLSVerified})
	if got.ConfirmedNote != "" || got.Confirmation != provision.ConfirmTwin || got.TLSNote != provision.NoteTLSVerified {
		t.Fatalf("screen result %+v", got)
	}
}
