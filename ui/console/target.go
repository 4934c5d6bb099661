package console

import (
	"errors"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"qpyhub/cloud"
	"qpyhub/ui/widgets"
)

// Target modes and Azure credential sources, in the order shown.
const (
	targetLocal = iota
	targetAzure
)

const (
	sourceConnString = iota
	sourceCredentials
)

// Target chooses whom the console connects as: a device of the
// local hub, or a device of an Azure IoT Hub.
type Target struct {
	Mode *widget.RadioGroup

	Device          *widget.Select
	NewDeviceID     *widgets.InputField
	AddDevice       *widget.Button
	LocalConnString *widgets.OutputField
	LocalNote       *widget.Label

	Source     *widget.RadioGroup
	ConnString *widgets.InputField
	WebSocket  *widget.Check
	CAFile     *widgets.InputField
	CABrowse   *widget.Button
	CAWarning  *widget.Label

	Connect    *widget.Button
	Disconnect *widget.Button
	Cancel     *widget.Button
	Busy       *widget.Activity
	Status     *widget.Label

	s          *Screen
	localBox   *fyne.Container
	azureBox   *fyne.Container
	cancelDial func()
	content    fyne.CanvasObject
}

func newTarget(s *Screen) *Target {
	t := &Target{s: s}
	t.Device = widget.NewSelect(nil, func(string) { t.showLocalConnString() })
	t.Device.PlaceHolder = lang.L("Choose a device")
	t.NewDeviceID = widgets.NewInputField(lang.L("New device ID"), widget.NewEntry())
	t.NewDeviceID.Entry.SetPlaceHolder("ec600n-01")
	t.AddDevice = widget.NewButtonWithIcon(lang.L("New device"), theme.ContentAddIcon(), t.addLocalDevice)
	t.LocalConnString = widgets.NewOutputField(lang.L("Device connection string"), true)
	t.LocalNote = widget.NewLabel("")
	t.LocalNote.Wrapping = fyne.TextWrapWord
	t.localBox = container.NewVBox(
		widget.NewForm(widget.NewFormItem(lang.L("Device"), t.Device)),
		container.NewBorder(nil, nil, nil, t.AddDevice, t.NewDeviceID.Content()),
		t.LocalConnString.Content(), t.LocalNote,
	)

	t.Source = widget.NewRadioGroup([]string{lang.L("Paste a device connection string"), lang.L("Use the Credentials screen")}, func(string) { t.refresh() })
	t.Source.Required = true
	t.Source.Horizontal = true
	t.ConnString = widgets.NewInputField(lang.L("Device connection string"), widget.NewPasswordEntry())
	t.ConnString.Entry.SetPlaceHolder("HostName=…;DeviceId=…;SharedAccessKey=…")
	t.WebSocket = widget.NewCheck(lang.L("MQTT over WebSockets (port 443)"), nil)
	t.CAFile = widgets.NewInputField(lang.L("CA file (optional)"), widget.NewEntry())
	t.CAFile.Entry.SetPlaceHolder(lang.L("PEM file; empty uses the built-in Azure roots"))
	t.CABrowse = widget.NewButtonWithIcon("", theme.FolderOpenIcon(), t.browseCA)
	t.CAWarning = widget.NewLabel(lang.L("A custom CA is only for networks that inspect TLS (a company proxy). Anyone holding that CA's key can read the traffic."))
	t.CAWarning.Wrapping = fyne.TextWrapWord
	t.CAWarning.Importance = widget.WarningImportance
	t.azureBox = container.NewVBox(t.Source, t.ConnString.Content(), t.WebSocket,
		container.NewBorder(nil, nil, nil, t.CABrowse, t.CAFile.Content()), t.CAWarning)

	t.Mode = widget.NewRadioGroup([]string{lang.L("Local hub"), lang.L("Azure IoT Hub")}, func(string) { t.refresh() })
	t.Mode.Required = true
	t.Mode.Horizontal = true

	t.Connect = widget.NewButtonWithIcon(lang.L("Connect"), theme.LoginIcon(), t.connect)
	t.Connect.Importance = widget.HighImportance
	t.Disconnect = widget.NewButtonWithIcon(lang.L("Disconnect"), theme.LogoutIcon(), t.disconnect)
	t.Cancel = widget.NewButtonWithIcon(lang.L("Cancel"), theme.CancelIcon(), t.cancelConnect)
	t.Busy = widget.NewActivity()
	t.Status = widget.NewLabel(lang.L("Not connected."))
	t.Status.Wrapping = fyne.TextWrapWord

	// The buttons and the status stay in view; only the settings scroll.
	buttons := container.NewHBox(t.Connect, t.Disconnect, t.Cancel, t.Busy)
	settings := container.NewVScroll(container.NewVBox(t.Mode, t.localBox, t.azureBox))
	settings.SetMinSize(fyne.NewSize(0, 150))
	t.content = container.NewBorder(nil, container.NewVBox(buttons, t.Status, widget.NewSeparator()), nil, nil, settings)
	t.Source.SetSelected(t.Source.Options[sourceConnString])
	t.Mode.SetSelected(t.Mode.Options[targetLocal])
	t.reloadDevices()
	return t
}

// Content is the target card.
func (t *Target) Content() fyne.CanvasObject { return t.content }

func (t *Target) mode() int {
	if t.Mode.Selected == t.Mode.Options[targetAzure] {
		return targetAzure
	}
	return targetLocal
}

// refresh shows the inputs of the chosen mode and the buttons that fit
// the connection state.
func (t *Target) refresh() {
	if t.Connect == nil {
		return // still building
	}
	local := t.mode() == targetLocal
	showIf(t.localBox, local)
	showIf(t.azureBox, !local)
	showIf(t.ConnString.Content(), t.Source.Selected == t.Source.Options[sourceConnString])
	connected := t.s.session != nil
	dialing := t.cancelDial != nil
	widgets.EnableIf(t.Connect, !connected && (!local || t.s.deps.hub != nil))
	widgets.EnableIf(t.Disconnect, connected && !dialing)
	showIf(t.Cancel, dialing)
	showIf(t.Busy, dialing)
	if dialing {
		t.Busy.Start()
	} else {
		t.Busy.Stop()
	}
	widgets.EnableIf(t.Mode, !connected)
	if t.s.CloudSide != nil {
		t.s.CloudSide.refresh()
	}
}

// reloadDevices fills the picker from the local hub, keeping the choice.
func (t *Target) reloadDevices() {
	hub := t.s.deps.hub
	if hub == nil {
		t.LocalNote.SetText(lang.L("The local hub is not running: ") + widgets.ErrorText(orErr(t.s.deps.hubErr)))
		t.LocalNote.Importance = widget.DangerImportance
		t.Device.Disable()
		t.AddDevice.Disable()
		return
	}
	t.LocalNote.SetText(lang.L("Local hub at {{.Addr}}: runs inside this app, no Azure account needed.", map[string]any{"Addr": hub.Address()}))
	t.Device.Options = hub.Devices()
	if t.Device.Selected == "" && len(t.Device.Options) > 0 {
		t.Device.SetSelected(t.Device.Options[0])
	}
	t.Device.Refresh()
}

func (t *Target) showLocalConnString() {
	if t.s.deps.hub == nil || t.Device.Selected == "" {
		t.LocalConnString.SetValue("")
		return
	}
	cs, err := t.s.deps.hub.DeviceConnectionString(t.Device.Selected)
	if err != nil {
		cs = ""
	}
	t.LocalConnString.SetValue(cs)
	if t.s.CloudSide != nil {
		t.s.CloudSide.refresh()
	}
}

func (t *Target) addLocalDevice() {
	id := strings.TrimSpace(t.NewDeviceID.Entry.Text)
	if id == "" {
		t.NewDeviceID.ShowErrorText(lang.L("Type the new device's ID."))
		return
	}
	if err := t.s.deps.hub.AddDevice(id); err != nil {
		t.NewDeviceID.ShowErrorText(widgets.ErrorText(err))
		return
	}
	t.NewDeviceID.SetError(nil)
	t.NewDeviceID.Entry.SetText("")
	t.reloadDevices()
	t.Device.SetSelected(id)
}

func (t *Target) browseCA() {
	if t.s.deps.window == nil {
		return
	}
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return
		}
		_ = r.Close()
		t.CAFile.Entry.SetText(r.URI().Path())
	}, t.s.deps.window)
	d.Show()
}

// sessionTarget reads the inputs; a problem is shown next to its field.
func (t *Target) sessionTarget() (SessionTarget, bool) {
	t.ConnString.SetError(nil)
	t.CAFile.SetError(nil)
	if t.mode() == targetLocal {
		if t.Device.Selected == "" {
			t.setStatus(lang.L("Choose a device of the local hub first."), true)
			return SessionTarget{}, false
		}
		return SessionTarget{LocalDevice: t.Device.Selected}, true
	}
	target := SessionTarget{WebSocket: t.WebSocket.Checked, CAFile: strings.TrimSpace(t.CAFile.Entry.Text)}
	if t.Source.Selected == t.Source.Options[sourceCredentials] {
		id, err := identityFromCredentials(t.s.deps.credentials)
		if err != nil {
			t.setStatus(widgets.ErrorText(err), true)
			return target, false
		}
		target.Identity, target.WebSocket = id.identity, target.WebSocket || id.webSocket
		return target, true
	}
	cs, err := cloud.ParseConnectionString(t.ConnString.Entry.Text)
	if err == nil {
		target.Identity, err = cloud.IdentityFromConnectionString(cs)
	}
	if err != nil {
		t.ConnString.ShowErrorText(widgets.ErrorText(err))
		return target, false
	}
	return target, true
}

// credentialIdentity is a device identity taken from the Credentials screen.
type credentialIdentity struct {
	identity  cloud.DeviceIdentity
	webSocket bool
}

// identityFromCredentials uses the Credentials screen's token as is.
func identityFromCredentials(get func() cloud.MQTTCredentials) (credentialIdentity, error) {
	if get == nil {
		return credentialIdentity{}, errors.New(lang.L("The Credentials screen has no valid credentials yet."))
	}
	c := get()
	switch {
	case c.Password == "":
		return credentialIdentity{}, errors.New(lang.L("The Credentials screen has no valid credentials yet."))
	case c.IDScope != "":
		return credentialIdentity{}, errors.New(lang.L("The Credentials screen holds DPS credentials: make device credentials there first."))
	}
	device, module, _ := strings.Cut(c.ClientID, "/")
	return credentialIdentity{
		identity:  cloud.DeviceIdentity{Host: c.Host, DeviceID: device, ModuleID: module, Token: c.Password},
		webSocket: c.WebSocket,
	}, nil
}

func showIf(o fyne.CanvasObject, visible bool) {
	if visible {
		o.Show()
	} else {
		o.Hide()
	}
}

func orErr(err error) error {
	if err == nil {
		return errors.New(lang.L("it did not start"))
	}
	return err
}
