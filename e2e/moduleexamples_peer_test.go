//go:build linux

// The module README's examples (assets/module/examples), each run as
// /usr/main.py on the test peer against the local hub.

package e2e

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"qpyhub/assets"
	"qpyhub/cloud/hubsim"
	"qpyhub/device/moduleapp"
)

// startExample boots a peer whose main.py is the example name, against
// a local hub made with cfg.
func startExample(t *testing.T, ctx context.Context, name string, cfg hubsim.Config) (*hubsim.Server, *programRun) {
	t.Helper()
	src := assets.ModuleExample(name)
	if src == nil {
		t.Fatalf("no example %s", name)
	}
	hub, dev := startProgramHub(t, ctx, cfg)
	return hub, startApp(t, ctx, src, programConfig(t, hub, dev, string(hub.CAPEM()), nil))
}

// reportedProperty answers the twin's reported property name.
func reportedProperty(t *testing.T, hub *hubsim.Server, name string) any {
	t.Helper()
	raw, err := hub.Twin(deviceID)
	if err != nil {
		t.Fatal(err)
	}
	var twin struct {
		Properties struct{ Reported map[string]any }
	}
	if err := json.Unmarshal(raw, &twin); err != nil {
		t.Fatal(err)
	}
	return twin.Properties.Reported[name]
}

// The telemetry loop's first message: JSON with the signal and the
// uptime, its content type set, and the application property.
func TestExampleTelemetry(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), netTimeout)
	defer cancel()
	hub, r := startExample(t, ctx, "telemetry.py", hubsim.Config{})
	r.online(t)
	m, err := hub.WaitTelemetry(ctx, deviceID, func(m hubsim.TelemetryMessage) bool { return m.Properties["kind"] == "sample" })
	if err != nil {
		t.Fatal(err)
	}
	var sample struct{ N, Csq, Uptime int }
	if err := json.Unmarshal(m.Payload, &sample); err != nil {
		t.Fatalf("message %q: %v", m.Payload, err)
	}
	if sample.N != 1 || sample.Csq != 24 || m.Properties["$.ct"] != "application/json" {
		t.Errorf("first message %s with properties %v", m.Payload, m.Properties)
	}
}

// The reboot method answers before the module restarts; main.py then
// runs again from the start and the module comes back online.
func TestExampleRebootMethod(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 2*netTimeout)
	defer cancel()
	hub, r := startExample(t, ctx, "reboot_method.py", hubsim.Config{})
	r.online(t)
	status, answer, err := hub.InvokeMethod(ctx, deviceID, "reboot", json.RawMessage(`{"delay":1}`), 20*time.Second)
	if err != nil || status != 200 {
		t.Fatalf("reboot: status %d, %v", status, err)
	}
	sameJSON(t, "reboot's answer", answer, `{"rebooting_in":1}`)
	r.await(t, netTimeout/2, "main.py starting again", is(moduleapp.StageConfig, moduleapp.StateOK))
	r.online(t)
	if err := hub.WaitConnected(ctx, deviceID, true); err != nil {
		t.Fatal(err)
	}
	if n := len(r.find(moduleapp.StageOnline, moduleapp.StateOK)); n != 2 {
		t.Errorf("online %d times, want before and after the restart:\n%s", n, r.text())
	}
}

// The desired interval set before the module connects is applied and
// reported at connect; a change is applied and reported as it comes.
func TestExampleDesiredSetting(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), netTimeout)
	defer cancel()
	hub, dev := startProgramHub(t, ctx, hubsim.Config{})
	if _, err := hub.UpdateDesired(deviceID, json.RawMessage(`{"interval":2}`)); err != nil {
		t.Fatal(err)
	}
	r := startApp(t, ctx, assets.ModuleExample("desired_setting.py"), programConfig(t, hub, dev, string(hub.CAPEM()), nil))
	r.online(t)

	// A message says the interval it went with, after the report.
	runsWith := func(interval int) {
		t.Helper()
		if _, err := hub.WaitTelemetry(ctx, deviceID, func(m hubsim.TelemetryMessage) bool {
			var doc struct{ Interval int }
			return json.Unmarshal(m.Payload, &doc) == nil && doc.Interval == interval
		}); err != nil {
			t.Fatalf("no message with interval %d: %v", interval, err)
		}
		if got := reportedProperty(t, hub, "interval"); got != float64(interval) {
			t.Fatalf("reported interval %v, want %d", got, interval)
		}
	}
	runsWith(2)
	if _, err := hub.UpdateDesired(deviceID, json.RawMessage(`{"interval":3}`)); err != nil {
		t.Fatal(err)
	}
	runsWith(3)
}
