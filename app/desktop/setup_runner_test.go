package desktop

import (
	"context"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"qpyhub/app/applog"
	"qpyhub/app/provision"
	"qpyhub/cloud"
	"qpyhub/ui/widgets"
)

const runnerTestPolicy = "HostName=tray.azure-devices.net;SharedAccessKeyName=registryReadWrite;SharedAccessKey=cG9saWN5LWtleS1mb3ItdGhlLXJlZ2lzdHJ5LTAxMjM="

// The screen's plan reaches the pipeline as it is, with the Settings
// proxy added; away from the local hub nothing else changes.
func TestSetupRunnerPassesThePlanOn(t *testing.T) {
	plans := []provision.Plan{
		{Mode: provision.IdentityDevice, ConnectionString: "HostName=h;DeviceId=d;SharedAccessKey=a2V5", CheckConnectionString: runnerTestPolicy},
		{Mode: provision.IdentityRegistry, HubConnectionString: runnerTestPolicy, DeviceIDTemplate: "{imei}", ReuseExisting: true},
		{Mode: provision.IdentityDPS, IDScope: "0ne1", GroupKey: "a2V5", RegistrationIDTemplate: "r-{imei}", DPSCheckFromPC: true, TokenTTL: time.Hour},
	}
	proxied := false
	proxy := func(*http.Request) (*url.URL, error) { proxied = true; return nil, nil }
	for _, plan := range plans {
		p, err := setupRunner{proxy: proxy}.pipelinePlan(plan, false)
		if err != nil {
			t.Fatalf("%s: %v", plan.Mode, err)
		}
		if p.Proxy == nil {
			t.Errorf("%s: the Settings proxy did not reach the pipeline", plan.Mode)
			continue
		}
		proxied = false
		_, _ = p.Proxy(&http.Request{URL: &url.URL{Scheme: "https", Host: "dps"}})
		if !proxied {
			t.Errorf("%s: the pipeline's proxy is not the Settings one", plan.Mode)
		}
		p.Proxy = nil
		if !reflect.DeepEqual(p, plan) {
			t.Errorf("%s: passed on as %+v", plan.Mode, p)
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
	p, err := setupRunner{local: hub}.pipelinePlan(provision.Plan{Mode: provision.IdentityRegistry, HubConnectionString: policy}, true)
	if err != nil {
		t.Fatal(err)
	}
	if p.Server != hub.Address() || !strings.Contains(string(p.CAPEM), "BEGIN CERTIFICATE") || !strings.HasPrefix(p.ServiceURL, "https://") || p.CheckConnectionString == "" {
		t.Errorf("local hub plan: server %q (want %q), CA %d bytes, service %q, check set %v",
			p.Server, hub.Address(), len(p.CAPEM), p.ServiceURL, p.CheckConnectionString != "")
	}

	res := setupRunner{}.Run(ctx, provision.Plan{Mode: provision.IdentityRegistry, HubConnectionString: policy}, true, []string{"/dev/ttyQ1"}, func(provision.Progress) {})
	if len(res) != 1 || res[0].Result != provision.ResultFailed || !strings.Contains(res[0].Error, "local hub is not running") {
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
	plan := provision.Plan{Mode: provision.IdentityRegistry, HubConnectionString: runnerTestPolicy, DeviceIDTemplate: "{imei}"}
	logDir := t.TempDir()
	log, closeLog, err := applog.Open(logDir, slog.LevelDebug)
	if err != nil {
		t.Fatal(err)
	}
	res := setupRunner{modules: modules, log: log}.Run(context.Background(), plan, false, []string{held, free}, func(p provision.Progress) {
		mu.Lock()
		defer mu.Unlock()
		seen[p.Port] = true
	})
	if len(res) != 2 || res[0].Port != held || res[1].Port != free {
		t.Fatalf("results %+v", res)
	}
	if res[0].Result != provision.ResultFailed || res[0].Error != widgets.ErrTerminalHoldsPort.Error() {
		t.Errorf("held port: %q %q", res[0].Result, res[0].Error)
	}
	if res[1].Result != provision.ResultFailed || res[1].Error == widgets.ErrTerminalHoldsPort.Error() || !seen[free] || seen[held] {
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
