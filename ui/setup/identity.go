package setup

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"qpyhub/app/provision"
	"qpyhub/cloud"
	"qpyhub/ui/widgets"
)

// Identity choices, in the order the radio shows them.
var identityModes = []provision.IdentityMode{provision.IdentityDevice, provision.IdentityRegistry, provision.IdentityDPS}

// identityStep is step 2: where each module's cloud identity comes from.
type identityStep struct {
	UseLocalHub *widget.Check
	LocalHubErr *widget.Label
	Mode        *widget.RadioGroup

	ConnString *widgets.InputField // existing device

	HubConnString *widgets.InputField // new device
	Remember      *policyMemory       // keeps HubConnString in the OS store
	IDTemplate    *widgets.InputField
	IDPreview     *widget.Label
	Reuse         *widget.Check

	IDScope         *widgets.InputField // DPS enrollment group
	GroupKey        *widgets.InputField
	RegTemplate     *widgets.InputField
	RegPreview      *widget.Label
	CheckEnrollment *widget.Check
	EnrollmentErr   *widget.Label // a token needs the check from this PC

	// CheckConnString is an optional policy for the cloud-side check in
	// the modes that have no policy of their own.
	CheckConnString *widgets.InputField
	checkBox        *fyne.Container

	hub       LocalHubPolicy
	hubPolicy string // what the local hub filled in, to take it back
	boxes     []*fyne.Container
	changed   func()
	box       *fyne.Container
}

func newIdentityStep(hub LocalHubPolicy, changed func()) *identityStep {
	d := &identityStep{hub: hub, changed: changed}
	entry := func(text, placeholder string, secret bool) *widget.Entry {
		e := widget.NewEntry()
		if secret {
			e = widget.NewPasswordEntry()
		}
		e.SetPlaceHolder(placeholder)
		e.SetText(text)
		e.OnChanged = func(string) { changed() }
		return e
	}
	d.ConnString = widgets.NewInputField(lang.L("Device connection string"), entry("", "HostName=…;DeviceId=…;SharedAccessKey=…", true))
	d.HubConnString = widgets.NewInputField(lang.L("Hub policy connection string"), entry("", "HostName=…;SharedAccessKeyName=registryReadWrite;SharedAccessKey=…", true))
	d.Remember = newPolicyMemory(d.HubConnString)
	d.IDTemplate = widgets.NewInputField(lang.L("Device ID template"), entry(provision.DefaultDeviceIDTemplate, provision.DefaultDeviceIDTemplate, false))
	d.IDPreview = previewLabel()
	d.Reuse = widget.NewCheck(lang.L("Reuse the device if it already exists"), nil)
	d.IDScope = widgets.NewInputField(lang.L("DPS ID scope"), entry("", "0ne00000000", false))
	d.GroupKey = widgets.NewInputField(lang.L("Enrollment group key"), entry("", lang.L("base64, from the DPS enrollment group"), true))
	d.RegTemplate = widgets.NewInputField(lang.L("Registration ID template"), entry(provision.DefaultRegistrationIDTemplate, provision.DefaultRegistrationIDTemplate, false))
	d.RegPreview = previewLabel()
	d.CheckEnrollment = widget.NewCheck(lang.L("Check the enrollment from this PC first"), func(bool) { changed() })
	d.CheckEnrollment.SetChecked(true)
	d.EnrollmentErr = widget.NewLabel(lang.L("A token is made for the hub and device id DPS assigns: keep this ticked, or keep the key on the module."))
	d.EnrollmentErr.Importance = widget.DangerImportance
	d.EnrollmentErr.Wrapping = fyne.TextWrapWord
	d.EnrollmentErr.Hide()

	d.CheckConnString = widgets.NewInputField(lang.L("Hub policy for the cloud-side check (optional)"),
		entry("", "HostName=…;SharedAccessKeyName=service;SharedAccessKey=…", true))
	checkNote := widget.NewLabel(lang.L("With a policy that may read device twins (service or iothubowner), \"online\" is confirmed by the hub too. Without one, only the module's own word confirms it, and the result says so."))
	checkNote.Wrapping = fyne.TextWrapWord
	checkNote.Importance = widget.LowImportance
	d.checkBox = container.NewVBox(d.CheckConnString.Content(), checkNote)

	d.boxes = []*fyne.Container{
		container.NewVBox(d.ConnString.Content()),
		container.NewVBox(d.HubConnString.Content(), d.Remember.Content(), d.IDTemplate.Content(), d.IDPreview, d.Reuse),
		container.NewVBox(d.IDScope.Content(), d.GroupKey.Content(), d.RegTemplate.Content(), d.RegPreview, d.CheckEnrollment, d.EnrollmentErr),
	}
	d.Mode = widget.NewRadioGroup([]string{
		lang.L("Existing device: paste its connection string"),
		lang.L("New device: create it in the hub"),
		lang.L("One type, one secret: DPS enrollment group"),
	}, func(string) { d.showMode() })
	d.Mode.Required = true

	d.LocalHubErr = widget.NewLabel("")
	d.LocalHubErr.Importance = widget.DangerImportance
	d.LocalHubErr.Hide()
	d.UseLocalHub = widget.NewCheck(lang.L("Use the local hub on this PC (a demo without Azure; the modules must reach this PC)"), d.useLocalHub)
	if hub == nil {
		d.UseLocalHub.Hide()
	}
	d.box = container.NewVBox(d.UseLocalHub, d.LocalHubErr, d.Mode, d.boxes[0], d.boxes[1], d.boxes[2], d.checkBox)
	d.Mode.SetSelected(d.Mode.Options[1])
	return d
}

func previewLabel() *widget.Label {
	l := widget.NewLabel("")
	l.Importance = widget.LowImportance
	l.TextStyle = fyne.TextStyle{Monospace: true}
	return l
}

func (d *identityStep) Content() fyne.CanvasObject { return d.box }

// mode is the identity source chosen.
func (d *identityStep) mode() provision.IdentityMode {
	for i, o := range d.Mode.Options {
		if o == d.Mode.Selected {
			return identityModes[i]
		}
	}
	return provision.IdentityRegistry
}

func (d *identityStep) showMode() {
	for i, b := range d.boxes {
		if identityModes[i] == d.mode() {
			b.Show()
		} else {
			b.Hide()
		}
	}
	// The new-device policy checks by itself; the local hub brings its own.
	d.checkBox.Hidden = d.mode() == provision.IdentityRegistry || d.UseLocalHub.Checked
	d.checkBox.Refresh()
	d.changed()
}

// useLocalHub fills the new-device identity from the local hub, and takes
// it back when unticked (unless the technician changed it meanwhile).
func (d *identityStep) useLocalHub(on bool) {
	d.LocalHubErr.Hide()
	if !on {
		if d.hubPolicy != "" && d.HubConnString.Entry.Text == d.hubPolicy {
			d.HubConnString.Entry.SetText("")
		}
		d.hubPolicy = ""
		d.showMode()
		return
	}
	policy, err := d.hub.PolicyConnectionString()
	if err != nil {
		d.LocalHubErr.SetText(widgets.ErrorText(err))
		d.LocalHubErr.Show()
		d.UseLocalHub.SetChecked(false)
		return
	}
	d.hubPolicy = policy
	d.HubConnString.Entry.SetText(policy)
	d.Mode.SetSelected(d.Mode.Options[1])
	d.showMode()
}

// fill validates the chosen identity for modules modules into plan; it
// runs after the credentials step, since a token needs more from it.
func (d *identityStep) fill(plan *provision.Plan, modules int, strict bool) bool {
	token := plan.TokenTTL > 0
	for _, f := range []*widgets.InputField{d.ConnString, d.HubConnString, d.IDTemplate, d.IDScope, d.GroupKey, d.RegTemplate, d.CheckConnString} {
		f.SetError(nil)
	}
	plan.Mode = d.mode()
	checkOK := true
	if !d.checkBox.Hidden {
		plan.CheckConnectionString = strings.TrimSpace(d.CheckConnString.Entry.Text)
		checkOK = plan.CheckConnectionString == "" || d.checkPolicyString(d.CheckConnString, plan.CheckConnectionString, strict, errNotCheckPolicy)
	}
	switch plan.Mode {
	case provision.IdentityDevice:
		plan.ConnectionString = strings.TrimSpace(d.ConnString.Entry.Text)
		return d.checkDeviceString(plan.ConnectionString, modules, token, strict) && checkOK
	case provision.IdentityRegistry:
		plan.HubConnectionString = strings.TrimSpace(d.HubConnString.Entry.Text)
		plan.DeviceIDTemplate = strings.TrimSpace(d.IDTemplate.Entry.Text)
		plan.ReuseExisting = d.Reuse.Checked
		ok := d.checkPolicyString(d.HubConnString, plan.HubConnectionString, strict, errNotPolicyString)
		return d.checkTemplate(d.IDTemplate, d.IDPreview, plan.DeviceIDTemplate, modules, strict, func(id string) error {
			return cloud.ValidateDeviceID("device id", id)
		}) && ok
	default:
		plan.IDScope = strings.TrimSpace(d.IDScope.Entry.Text)
		plan.GroupKey = strings.TrimSpace(d.GroupKey.Entry.Text)
		plan.RegistrationIDTemplate = strings.TrimSpace(d.RegTemplate.Entry.Text)
		plan.DPSCheckFromPC = d.CheckEnrollment.Checked
		ok := d.checkRequired(d.IDScope, plan.IDScope, "ID scope", strict, func() error { return cloud.ValidateDeviceID("ID scope", plan.IDScope) })
		ok = d.checkRequired(d.GroupKey, plan.GroupKey, "group key", strict, func() error {
			_, err := cloud.DecodeKey("group key", plan.GroupKey)
			return err
		}) && ok
		ok = d.checkTemplate(d.RegTemplate, d.RegPreview, plan.RegistrationIDTemplate, modules, strict, cloud.ValidateRegistrationID) && ok
		// The token is signed for the hub and device id DPS assigns.
		d.EnrollmentErr.Hidden = !token || plan.DPSCheckFromPC
		d.EnrollmentErr.Refresh()
		return ok && d.EnrollmentErr.Hidden && checkOK
	}
}

// checkRequired shows "is missing" for an empty field (strict only) and
// otherwise check's error.
func (d *identityStep) checkRequired(f *widgets.InputField, text, name string, strict bool, check func() error) bool {
	if text == "" {
		if strict {
			f.SetError(&cloud.FieldError{Field: name, Reason: cloud.ReasonMissing})
		}
		return false
	}
	if err := check(); err != nil {
		f.SetError(err)
		return false
	}
	return true
}

// fieldHint is a mistake only the Setup screen finds in a field, said as
// a whole sentence to show under it.
type fieldHint string

func (h fieldHint) Error() string { return string(h) }

// Mistakes in an identity.
const (
	errOneDeviceForTray fieldHint = "One device connection string is for one module: choose New device or DPS to set up several."
	errNotPolicyString  fieldHint = "This is a device connection string: paste a hub shared access policy instead (registryReadWrite or iothubowner)."
	errNotCheckPolicy   fieldHint = "This is a device connection string: paste a hub shared access policy that may read twins (service or iothubowner)."
	errSameIDForAll     fieldHint = "Every module needs its own id: put {imei} in the template."
	errTokenOnly        fieldHint = "This connection string carries a token, not a key: a new token cannot be made from it. Paste the one with SharedAccessKey, or keep the key on the module."
	errUnknownHole      fieldHint = "Use only the placeholders {model}, {imei}, {iccid} and {port}."
)
