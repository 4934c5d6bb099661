package setup

import (
	"context"
	"errors"
	"qpyhub/app/provision"
	"qpyhub/ui/widgets"
	"reflect"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

// The sentences app/provision has for a result's TLS and confirmation,
// which the screen shows.
const (
	testTLSVerifiedNote   = "TLS verified: the module checked the server's certificate"
	testTLSUnverifiedNote = "TLS unverified: the module encrypts but does not check the server's certificate; firmware whose ussl accepts a CA (newer QuecPython releases) fixes it"
	testModuleOnlyNote    = "only the module said it is online: the identity gives no right to read the twin or the telemetry, so nothing on the cloud side could confirm it"
)

// trayPorts are three modules plugged in, plus a non-REPL port of one of
// them that must not be set up.
func trayRig(t *testing.T) *setupRig {
	t.Helper()
	at := replPort("/dev/ttyUSB1", "A")
	at.Role, at.Interface = "at", 2
	r := newSetupRig(t, nil, replPort("/dev/ttyUSB2", "A"), at, replPort("/dev/ttyUSB7", "B"), replPort("/dev/ttyUSB12", "C"))
	r.screen.Modules.Which.SetSelected(r.screen.Modules.Which.Options[everyModule])
	r.fillNewDevice()
	return r
}

// runTrayWithOneFailure sets up three modules of which the second fails.
func runTrayWithOneFailure(t *testing.T, r *setupRig) *setupCall {
	t.Helper()
	call := r.start(t)
	want := []string{"/dev/ttyUSB2", "/dev/ttyUSB7", "/dev/ttyUSB12"}
	if !reflect.DeepEqual(call.ports, want) {
		t.Fatalf("ports %v, want %v", call.ports, want)
	}
	call.progress(provision.Progress{Port: "/dev/ttyUSB2", Stage: provision.StageWrite, State: provision.StateRunning, Detail: "qpyhub_app.py", Fraction: 0.6})
	call.progress(provision.Progress{Port: "/dev/ttyUSB7", Stage: provision.StageModule, State: provision.StateFailed, Detail: "the module is not ready for the cloud", Fraction: 0.1})
	r.q.RunUntil(t, "the progress", func() bool { return r.screen.Table.Row("/dev/ttyUSB7").State.Text == "Failing" })
	if row := r.screen.Table.Row("/dev/ttyUSB2"); row.Stage.Text != "Write the program" || row.Bar.Value != 0.6 || row.State.Text != "Running" {
		t.Errorf("running row: stage %q bar %v state %q", row.Stage.Text, row.Bar.Value, row.State.Text)
	}
	r.end(t, call, []provision.Result{
		{Port: "/dev/ttyUSB2", IMEI: "866327040000001", DeviceID: "ec600n-866327040000001", Hub: "tray.azure-devices.net", Result: provision.ResultOnline,
			Confirmed: provision.ConfirmedCloud, Confirmation: "heartbeat telemetry", TLS: provision.TLSVerified},
		{Port: "/dev/ttyUSB7", IMEI: "866327040000002", Result: provision.ResultFailed, Stage: provision.StageModule,
			Error: "the module is not ready for the cloud", Detail: "SIM not inserted (sim.getStatus() = 0)", Advice: "fix the problem, or run again with the check overridden"},
		{Port: "/dev/ttyUSB12", IMEI: "866327040000003", DeviceID: "ec600n-866327040000003", Hub: "tray.azure-devices.net", Result: provision.ResultOnline,
			Confirmed: provision.ConfirmedModule,
			TLS:       provision.TLSUnverified, TLSReason: "ValueError MQTT Connect error='unexpected keyword argument 'ca'' FAIL"},
	})
	return call
}

func TestSetupTrayOfThreeWithOneFailing(t *testing.T) {
	r := trayRig(t)
	if !strings.Contains(r.screen.Modules.PortList.Text, "/dev/ttyUSB2, /dev/ttyUSB7, /dev/ttyUSB12") {
		t.Errorf("the ports to set up: %q", r.screen.Modules.PortList.Text)
	}
	runTrayWithOneFailure(t, r)

	rows := r.screen.Table.Rows
	if len(rows) != 3 {
		t.Fatalf("%d rows", len(rows))
	}
	for i, want := range []struct{ imei, id, state string }{
		{"866327040000001", "ec600n-866327040000001", "Online"},
		{"866327040000002", "", "Failed"},
		{"866327040000003", "ec600n-866327040000003", "Online (module only)"},
	} {
		if rows[i].IMEI.Text != want.imei || rows[i].DeviceID.Text != want.id || rows[i].State.Text != want.state {
			t.Errorf("row %d: %q %q %q, want %v", i, rows[i].IMEI.Text, rows[i].DeviceID.Text, rows[i].State.Text, want)
		}
	}
	shown := r.shown()
	for _, want := range []string{"2 online, 1 failed", "the module is not ready for the cloud", "SIM not inserted (sim.getStatus() = 0)",
		"fix the problem, or run again with the check overridden", "Module check", "heartbeat telemetry"} {
		if !strings.Contains(shown, want) {
			t.Errorf("the screen does not show %q:\n%s", want, shown)
		}
	}
	if r.screen.Retry.Disabled() || !r.screen.Cancel.Hidden || r.screen.Start.Disabled() {
		t.Error("after the run: Retry should be enabled, Cancel hidden, Start enabled")
	}
	// The TLS mark: verified on the first row, unverified with what it
	// means and the module's reason on the third, none on the failed one.
	for i, want := range []struct {
		icon, text string
	}{
		{"success_", testTLSVerifiedNote},
		{"", ""},
		{"warning_", testTLSUnverifiedNote + "\nThe module said: ValueError MQTT Connect error='unexpected keyword argument 'ca'' FAIL"},
	} {
		row := rows[i]
		if want.text == "" {
			if row.tls.Visible() {
				t.Errorf("row %d shows a TLS mark: %q", i, row.TLSNote.Text)
			}
			continue
		}
		if !row.tls.Visible() || row.TLSNote.Text != want.text || row.TLSIcon.Resource == nil ||
			!strings.HasPrefix(row.TLSIcon.Resource.Name(), want.icon) {
			t.Errorf("row %d: TLS mark visible %v, icon %v, text %q", i, row.tls.Visible(), row.TLSIcon.Resource, row.TLSNote.Text)
		}
	}
	if !strings.Contains(shown, testModuleOnlyNote) {
		t.Errorf("the module-only row does not say why:\n%s", shown)
	}
	if rows[1].CopyID.Disabled() == false {
		t.Error("copy enabled on a row with no device id")
	}
	test.Tap(rows[2].CopyID)
	if got := fyne.CurrentApp().Clipboard().Content(); got != "ec600n-866327040000003" {
		t.Errorf("copied %q", got)
	}
}

func TestSetupRetryFailedRunsOnlyTheFailedPort(t *testing.T) {
	r := trayRig(t)
	runTrayWithOneFailure(t, r)
	test.Tap(r.screen.Modules.Override)
	test.Tap(r.screen.Retry)
	if !r.screen.Running() {
		t.Fatalf("Retry did not run: %s", r.screen.FormError.Text)
	}
	call := <-r.runner.calls
	if !reflect.DeepEqual(call.ports, []string{"/dev/ttyUSB7"}) || !call.plan.OverrideCheck {
		t.Fatalf("retry ports %v override %v", call.ports, call.plan.OverrideCheck)
	}
	if got := r.screen.Table.Row("/dev/ttyUSB7").State.Text; got != "Waiting" {
		t.Errorf("retried row shows %q", got)
	}
	if got := r.screen.Table.Row("/dev/ttyUSB2").State.Text; got != "Online" {
		t.Errorf("a module already online shows %q during the retry", got)
	}
	r.end(t, call, []provision.Result{{Port: "/dev/ttyUSB7", IMEI: "866327040000002", DeviceID: "ec600n-866327040000002", Result: provision.ResultOnline}})
	if got := r.screen.Summary.Text; got != "3 online, 0 failed" {
		t.Errorf("summary %q", got)
	}
	if !r.screen.Retry.Disabled() {
		t.Error("Retry enabled with nothing failed")
	}
	if strings.Contains(r.shown(), "not ready for the cloud") {
		t.Error("the old error stays on a module now online")
	}
}

func TestSetupCancelStopsTheRun(t *testing.T) {
	r := trayRig(t)
	call := r.start(t)
	if !r.screen.Cancel.Visible() || !r.screen.Start.Disabled() {
		t.Fatal("a running setup shows no Cancel, or Start stays enabled")
	}
	test.Tap(r.screen.Cancel)
	r.q.RunUntil(t, "the cancelled run to end", func() bool { return !r.screen.Running() })
	if !errors.Is(call.ctx.Err(), context.Canceled) {
		t.Errorf("the runner's context: %v", call.ctx.Err())
	}
	if got := r.screen.Summary.Text; got != "Cancelled. 0 online, 3 failed" {
		t.Errorf("summary %q", got)
	}
	for _, row := range r.screen.Table.Rows {
		if row.State.Text != "Failed" || !strings.Contains(row.Detail.Text, "the setup was cancelled") {
			t.Errorf("%s: %q %q", row.port, row.State.Text, row.Detail.Text)
		}
	}
}

// TestSetupNeverShowsASecret feeds the screen's secrets back through the
// progress and results, as a careless pipeline might, and reads every
// text on the screen, the form included.
func TestSetupNeverShowsASecret(t *testing.T) {
	r := trayRig(t)
	call := r.start(t)
	call.progress(provision.Progress{Port: "/dev/ttyUSB2", Stage: provision.StageIdentity, State: provision.StateRunning, Detail: "using " + testPolicyCS})
	call.progress(provision.Progress{Port: "/dev/ttyUSB7", Stage: provision.StageCredentials, State: provision.StateRunning,
		Detail: "token SharedAccessSignature sr=tray.azure-devices.net%2Fdevices%2Fd&sig=abcDEF123%3D&se=1900000000"})
	call.progress(provision.Progress{Port: "/dev/ttyUSB12", Stage: provision.StageWrite, State: provision.StateRunning, Detail: "key=" + testDeviceKey})
	r.q.RunUntil(t, "the progress", func() bool { return r.screen.Table.Row("/dev/ttyUSB12").Stage.Text == "Write the program" })
	r.assertNoSecret(t, "abcDEF123", testDeviceKey)
	r.end(t, call, []provision.Result{
		{Port: "/dev/ttyUSB2", Result: provision.ResultFailed, Error: "the hub policy has no registry write rights", Detail: "policy " + testPolicyKey},
		{Port: "/dev/ttyUSB7", Result: provision.ResultOnline, Hub: "tray.azure-devices.net;SharedAccessKey=" + testDeviceKey},
		{Port: "/dev/ttyUSB12", Result: provision.ResultFailed, Error: "wrong", Detail: "HostName=h;DeviceId=d;SharedAccessKey=" + testDeviceKey},
	})
	r.assertNoSecret(t, testDeviceKey)
	if !strings.Contains(r.shown(), "the hub policy has no registry write rights") {
		t.Error("masking swallowed the error itself")
	}
}

func (r *setupRig) assertNoSecret(t *testing.T, extra ...string) {
	t.Helper()
	shown := r.shown()
	for _, secret := range append([]string{testPolicyKey, testPolicyCS}, extra...) {
		if strings.Contains(shown, secret) {
			t.Errorf("a secret is readable on the screen: %q", secret)
		}
	}
	if !strings.Contains(shown, widgets.MaskedText) {
		t.Error("no masked value shown: the secrets were not put through the rows")
	}
}
