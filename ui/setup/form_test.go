package setup

import (
	"os"
	"path/filepath"
	"qpyhub/app/provision"
	"qpyhub/ui/widgets"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"
)

// TestSetupFormErrorsUnderTheRightField types a mistake into one field at
// a time and expects its message under that field, and nowhere else.
func TestSetupFormErrorsUnderTheRightField(t *testing.T) {
	tests := []struct {
		name  string
		tray  bool
		mode  int
		field func(d *identityStep) *widgets.InputField
		typed string
		want  string
	}{
		{"device string as policy", false, 1, func(d *identityStep) *widgets.InputField { return d.HubConnString }, testDeviceCS, "This is a device connection string"},
		{"policy as device string", false, 0, func(d *identityStep) *widgets.InputField { return d.ConnString }, testPolicyCS, "is a hub policy string"},
		{"broken key", false, 0, func(d *identityStep) *widgets.InputField { return d.ConnString }, "HostName=h.azure-devices.net;DeviceId=d;SharedAccessKey=not*base64", "SharedAccessKey is not base64"},
		{"one device for a tray", true, 0, func(d *identityStep) *widgets.InputField { return d.ConnString }, testDeviceCS, "One device connection string is for one module"},
		{"bad group key", false, 2, func(d *identityStep) *widgets.InputField { return d.GroupKey }, "not*base64", "is not base64"},
		{"device string as check policy", false, 0, func(d *identityStep) *widgets.InputField { return d.CheckConnString }, testDeviceCS, "a hub shared access policy that may read twins"},
		{"broken check policy in DPS mode", false, 2, func(d *identityStep) *widgets.InputField { return d.CheckConnString }, "HostName=h;SharedAccessKeyName=service;SharedAccessKey=not*base64", "SharedAccessKey is not base64"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := newSetupRig(t, nil, replPort("/dev/ttyUSB2", "A"), replPort("/dev/ttyUSB7", "B"))
			if tc.tray {
				r.screen.Modules.Which.SetSelected(r.screen.Modules.Which.Options[everyModule])
			}
			d := r.screen.Identity
			d.Mode.SetSelected(d.Mode.Options[tc.mode])
			f := tc.field(d)
			test.Type(f.Entry, tc.typed)
			if !f.Error.Visible() || !strings.Contains(f.ErrorText(), tc.want) {
				t.Fatalf("error under the field %q (visible %v), want %q", f.ErrorText(), f.Error.Visible(), tc.want)
			}
			if !strings.Contains(r.shown(), tc.want) {
				t.Errorf("the screen does not show %q", tc.want)
			}
			for _, other := range []*widgets.InputField{d.ConnString, d.HubConnString, d.IDTemplate, d.IDScope, d.GroupKey, d.RegTemplate, d.CheckConnString} {
				if other != f && other.ErrorText() != "" {
					t.Errorf("another field complains too: %q", other.ErrorText())
				}
			}
			test.Tap(r.screen.Start)
			if r.screen.Running() || !strings.Contains(r.screen.FormError.Text, "Some fields need attention") {
				t.Errorf("Start went on with a wrong field: running=%v, %q", r.screen.Running(), r.screen.FormError.Text)
			}
		})
	}
}

// The modes without a policy of their own offer one for the cloud-side
// check; it reaches the plan only there.
func TestSetupCloudCheckPolicyIsOfferedWhereItHelps(t *testing.T) {
	const checkCS = "HostName=tray.azure-devices.net;SharedAccessKeyName=service;SharedAccessKey=" + testPolicyKey
	r := newSetupRig(t, &setupHub{policy: testPolicyCS}, replPort("/dev/ttyUSB2", "A"))
	d := r.screen.Identity
	for _, tc := range []struct {
		mode    int
		visible bool
	}{{0, true}, {1, false}, {2, true}} {
		d.Mode.SetSelected(d.Mode.Options[tc.mode])
		if d.checkBox.Visible() != tc.visible {
			t.Errorf("mode %d: check policy visible=%v, want %v", tc.mode, d.checkBox.Visible(), tc.visible)
		}
	}
	d.UseLocalHub.SetChecked(true)
	d.Mode.SetSelected(d.Mode.Options[0])
	if d.checkBox.Visible() {
		t.Error("the check policy is offered with the local hub, which brings its own")
	}
	d.UseLocalHub.SetChecked(false)
	d.Mode.SetSelected(d.Mode.Options[0])
	test.Type(d.ConnString.Entry, testDeviceCS)
	test.Type(d.CheckConnString.Entry, checkCS)
	call := r.start(t)
	if call.plan.CheckConnectionString != checkCS || call.plan.ConnectionString != testDeviceCS {
		t.Errorf("plan check %q, device %q", call.plan.CheckConnectionString, call.plan.ConnectionString)
	}
	r.end(t, call, nil)

	d.Mode.SetSelected(d.Mode.Options[1])
	test.Type(d.HubConnString.Entry, testPolicyCS)
	call = r.start(t)
	if call.plan.CheckConnectionString != "" {
		t.Errorf("new-device plan carries a check policy %q", call.plan.CheckConnectionString)
	}
	r.end(t, call, nil)
}

func TestSetupTemplatePreviewAndMistakes(t *testing.T) {
	r := newSetupRig(t, nil, replPort("/dev/ttyUSB2", "A"), replPort("/dev/ttyUSB7", "B"))
	d := r.screen.Identity
	if got := d.IDPreview.Text; got != "For example: ec600n-866327040000001" {
		t.Errorf("default preview %q", got)
	}
	for _, tc := range []struct{ typed, want string }{
		{"qpy {imei}", "holds a character that is not allowed"},
		{"{name}-{imei}", "Use only the placeholders"},
		{"line-{port}", ""},
	} {
		d.IDTemplate.Entry.SetText("")
		test.Type(d.IDTemplate.Entry, tc.typed)
		if !strings.Contains(d.IDTemplate.ErrorText(), tc.want) || (tc.want == "") != (d.IDTemplate.ErrorText() == "") {
			t.Errorf("template %q: error %q, want %q", tc.typed, d.IDTemplate.ErrorText(), tc.want)
		}
	}
	if got := d.IDPreview.Text; got != "For example: line-ttyUSB2" {
		t.Errorf("preview %q", got)
	}

	// A tray needs an id per module.
	d.IDTemplate.Entry.SetText("")
	test.Type(d.IDTemplate.Entry, "{model}")
	if d.IDTemplate.ErrorText() != "" {
		t.Errorf("one module, fixed id refused: %q", d.IDTemplate.ErrorText())
	}
	r.screen.Modules.Which.SetSelected(r.screen.Modules.Which.Options[everyModule])
	if !strings.Contains(d.IDTemplate.ErrorText(), "Every module needs its own id") {
		t.Errorf("tray with a fixed id: %q", d.IDTemplate.ErrorText())
	}
}

func TestSetupStartComplainsAboutEmptyFields(t *testing.T) {
	r := newSetupRig(t, nil, replPort("/dev/ttyUSB2", "A"))
	d := r.screen.Identity
	d.Mode.SetSelected(d.Mode.Options[2])
	if d.IDScope.ErrorText() != "" || d.GroupKey.ErrorText() != "" {
		t.Fatal("empty fields complain before Start")
	}
	test.Tap(r.screen.Start)
	if r.screen.Running() {
		t.Fatal("started with empty fields")
	}
	for _, f := range []*widgets.InputField{d.IDScope, d.GroupKey} {
		if !strings.Contains(f.ErrorText(), "is missing") {
			t.Errorf("%s: %q", f.Label.Text, f.ErrorText())
		}
	}
	if !r.screen.FormError.Visible() {
		t.Error("no message next to Start")
	}
	test.Type(d.IDScope.Entry, "0ne0012345A")
	test.Type(d.GroupKey.Entry, testGroupKey)
	if d.IDScope.ErrorText() != "" || d.GroupKey.ErrorText() != "" || r.screen.FormError.Visible() {
		t.Errorf("fixed fields still complain: %q %q, next to Start: %v", d.IDScope.ErrorText(), d.GroupKey.ErrorText(), r.screen.FormError.Visible())
	}
}

func TestSetupNeedsAModule(t *testing.T) {
	r := newSetupRig(t, nil)
	r.fillNewDevice()
	if !strings.Contains(r.screen.Modules.PortList.Text, "choose one on the Ports screen") {
		t.Errorf("port list: %q", r.screen.Modules.PortList.Text)
	}
	test.Tap(r.screen.Start)
	if r.screen.Running() || !strings.Contains(r.screen.FormError.Text, "No module to set up") {
		t.Errorf("running=%v, %q", r.screen.Running(), r.screen.FormError.Text)
	}
	r.screen.Modules.Which.SetSelected(r.screen.Modules.Which.Options[everyModule])
	if !strings.Contains(r.screen.Modules.PortList.Text, "No Quectel REPL port found") {
		t.Errorf("tray port list: %q", r.screen.Modules.PortList.Text)
	}
}

func TestSetupTokenLifetimeAndDPSCheck(t *testing.T) {
	r := newSetupRig(t, nil, replPort("/dev/ttyUSB2", "A"))
	a := r.screen.Auth
	if a.Expiry.Content().Visible() {
		t.Error("token lifetime shown with the key on the module")
	}
	a.Mode.SetSelected(a.Mode.Options[1])
	a.Expiry.Select.SetSelectedIndex(3) // 1 year
	if !a.Expiry.Warning.Visible() {
		t.Error("no long-lifetime warning for a year")
	}
	d := r.screen.Identity
	d.Mode.SetSelected(d.Mode.Options[2])
	test.Type(d.IDScope.Entry, "0ne0012345A")
	test.Type(d.GroupKey.Entry, testGroupKey)
	test.Tap(d.CheckEnrollment) // untick: a token then cannot be made
	if !d.EnrollmentErr.Visible() {
		t.Fatal("a token without the DPS check from the PC is not flagged")
	}
	test.Tap(r.screen.Start)
	if r.screen.Running() {
		t.Fatal("started with a token and no DPS check")
	}
	test.Tap(d.CheckEnrollment)
	call := r.start(t)
	if call.plan.TokenTTL != 365*24*time.Hour || !call.plan.DPSCheckFromPC || call.plan.Mode != provision.IdentityDPS ||
		call.plan.GroupKey != testGroupKey || call.plan.RegistrationIDTemplate != "{imei}" {
		t.Errorf("plan: ttl %v check %v identity %v template %q", call.plan.TokenTTL, call.plan.DPSCheckFromPC, call.plan.Mode, call.plan.RegistrationIDTemplate)
	}
	r.end(t, call, nil)
}

func TestSetupLocalHubFillsThePolicy(t *testing.T) {
	none := newSetupRig(t, nil, replPort("/dev/ttyUSB2", "A"))
	if none.screen.Identity.UseLocalHub.Visible() {
		t.Error("local hub offered with no local hub running")
	}

	policy := "HostName=localhost;SharedAccessKeyName=registryReadWrite;SharedAccessKey=" + testPolicyKey
	r := newSetupRig(t, &setupHub{policy: policy}, replPort("/dev/ttyUSB2", "A"))
	d := r.screen.Identity
	d.Mode.SetSelected(d.Mode.Options[0])
	test.Tap(d.UseLocalHub)
	if d.HubConnString.Entry.Text != policy || d.mode() != provision.IdentityRegistry {
		t.Fatalf("local hub: mode %v, policy filled %v", d.mode(), d.HubConnString.Entry.Text == policy)
	}
	test.Tap(r.screen.Modules.Override)
	call := r.start(t)
	if !call.localHub || call.plan.HubConnectionString != policy || !call.plan.OverrideCheck || call.plan.DeviceIDTemplate != "{model}-{imei}" {
		t.Errorf("plan: local %v override %v template %q", call.localHub, call.plan.OverrideCheck, call.plan.DeviceIDTemplate)
	}
	r.end(t, call, nil)
	test.Tap(d.UseLocalHub)
	if d.HubConnString.Entry.Text != "" {
		t.Error("unticking the local hub leaves its policy behind")
	}
}

func TestSetupRecordFileIsCheckedAndRemembered(t *testing.T) {
	r := newSetupRig(t, nil, replPort("/dev/ttyUSB2", "A"))
	r.fillNewDevice()
	rec := r.screen.Record
	test.Type(rec.File.Entry, "trays.txt")
	test.Tap(r.screen.Start)
	if r.screen.Running() || !strings.Contains(rec.File.ErrorText(), "Name the file .csv") {
		t.Fatalf("running=%v, record error %q", r.screen.Running(), rec.File.ErrorText())
	}

	dir := t.TempDir()
	folder, err := storage.ListerForURI(storage.NewFileURI(dir))
	if err != nil {
		t.Fatal(err)
	}
	rec.chooseFolder = func(done func(fyne.ListableURI, error)) { done(folder, nil) }
	test.Tap(rec.Choose)
	want := filepath.Join(dir, defaultRecordName)
	if rec.File.Entry.Text != want {
		t.Fatalf("chosen folder gives %q, want %q", rec.File.Entry.Text, want)
	}
	call := r.start(t)
	if call.plan.RecordFile != want {
		t.Errorf("plan record file %q", call.plan.RecordFile)
	}
	r.end(t, call, nil)
	if _, err := os.Stat(want); !os.IsNotExist(err) {
		t.Errorf("choosing the folder touched the record file: %v", err)
	}

	r.build(t, nil)
	if got := r.screen.Record.File.Entry.Text; got != want {
		t.Errorf("the next screen starts with %q, want the remembered %q", got, want)
	}
}
