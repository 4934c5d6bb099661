package ui

import (
	"errors"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"qpyhub/cloud"
	"qpyhub/device/moduleapp"
	"qpyhub/ui/widgets"
)

// Credential source modes, in the order the mode switch shows them.
const (
	modeDeviceKey = iota
	modeConnectionString
	modeGroupKey
)

// snippetKeepalive is the keepalive written into the QuecPython snippet; IoT
// Hub allows up to 1177 s and the SDKs use a few minutes.
const snippetKeepalive = 240

// CredentialsScreen turns a device key, a device connection string or a DPS
// enrollment-group key into the MQTT credentials a module needs, and decodes
// tokens someone pasted.
type CredentialsScreen struct {
	Mode *widget.RadioGroup

	Host, Device, Module, Key *widgets.InputField // one device, one secret: key
	ConnString                *widgets.InputField // one device, one secret: connection string
	IDScope, RegID, GroupKey  *widgets.InputField // one type, one secret
	Expiry                    *widgets.ExpiryPicker
	WebSocket                 *widget.Check

	OutHost, OutPort, OutClientID, OutUsername, OutPassword *widgets.OutputField
	OutExpires, OutDerivedKey                               *widgets.OutputField
	Snippet                                                 *widget.Entry
	SnippetCopy                                             *widget.Button
	// SnippetForm chooses the snippet: plain umqtt with the credentials
	// in the code, or a main.py on qpyhub's library (no secret in it).
	SnippetForm *widget.RadioGroup

	Decode *DecodePanel

	modeBoxes []*fyne.Container
	remember  *keyMemory
	current   cloud.MQTTCredentials
	content   fyne.CanvasObject
	now       func() time.Time
	post      func(func()) // runs a function on the UI goroutine
}

// NewCredentialsScreen builds the screen; post runs a function on the UI
// goroutine (the window binds it once), for the key store's answers.
func NewCredentialsScreen(post func(func())) *CredentialsScreen {
	s := newCredentialsScreen(time.Now)
	s.post = post
	return s
}

func newCredentialsScreen(now func() time.Time) *CredentialsScreen {
	s := &CredentialsScreen{now: now}
	s.remember = newKeyMemory(s)
	changed := func(string) { s.Recompute() }
	entry := func(placeholder string, secret bool) *widget.Entry {
		e := widget.NewEntry()
		if secret {
			e = widget.NewPasswordEntry()
		}
		e.SetPlaceHolder(placeholder)
		e.OnChanged = changed
		return e
	}
	s.Host = widgets.NewInputField(lang.L("IoT Hub host name"), entry("myhub.azure-devices.net", false))
	s.Device = widgets.NewInputField(lang.L("Device ID"), entry("ec600n-864000000000001", false))
	s.Module = widgets.NewInputField(lang.L("Module ID (optional)"), entry("", false))
	s.Key = widgets.NewInputField(lang.L("Device key (primary or secondary)"), entry(lang.L("base64, from the device's page in the Azure portal"), true))
	s.ConnString = widgets.NewInputField(lang.L("Device connection string"), entry("HostName=…;DeviceId=…;SharedAccessKey=…", true))
	s.IDScope = widgets.NewInputField(lang.L("DPS ID scope"), entry("0ne00000000", false))
	s.RegID = widgets.NewInputField(lang.L("Registration ID"), entry(lang.L("for example the IMEI"), false))
	s.GroupKey = widgets.NewInputField(lang.L("Enrollment group key"), entry(lang.L("base64, from the DPS enrollment group"), true))
	s.Expiry = widgets.NewExpiryPicker(now, s.Recompute)
	s.WebSocket = widget.NewCheck(lang.L("MQTT over WebSockets (port 443, for networks that block 8883)"), func(bool) { s.Recompute() })

	s.modeBoxes = []*fyne.Container{
		container.NewVBox(s.Host.Content(), s.Device.Content(), s.Module.Content(), s.Key.Content()),
		container.NewVBox(s.ConnString.Content()),
		container.NewVBox(s.IDScope.Content(), s.RegID.Content(), s.GroupKey.Content()),
	}
	s.Mode = widget.NewRadioGroup([]string{
		lang.L("Device key"), lang.L("Connection string"), lang.L("Group key (DPS)"),
	}, func(string) { s.showMode() })
	s.Mode.Horizontal = true
	s.Mode.Required = true

	s.buildOutputs()
	s.Decode = newDecodePanel(now)

	inputs := container.NewVBox(
		widget.NewLabelWithStyle(lang.L("One device, one secret, or one type, one secret"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		s.Mode,
		s.modeBoxes[0], s.modeBoxes[1], s.modeBoxes[2], s.remember.Content(),
		s.Expiry.Content(), s.WebSocket,
	)
	outputs := container.NewVBox(
		s.OutHost.Content(), s.OutPort.Content(), s.OutClientID.Content(), s.OutUsername.Content(),
		s.OutPassword.Content(), s.OutExpires.Content(), s.OutDerivedKey.Content(),
		container.NewBorder(nil, nil, widget.NewLabelWithStyle(lang.L("QuecPython snippet"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), s.SnippetCopy),
		s.SnippetForm,
		s.Snippet,
	)
	split := container.NewHSplit(container.NewVScroll(container.NewPadded(inputs)), container.NewVScroll(container.NewPadded(outputs)))
	split.SetOffset(0.45)
	tabs := container.NewAppTabs(
		container.NewTabItem(lang.L("Make credentials"), split),
		container.NewTabItem(lang.L("Decode a token"), s.Decode.Content()),
	)
	s.content = tabs
	s.Mode.SetSelected(lang.L("Device key"))
	return s
}

// Content is the screen's widget tree.
func (s *CredentialsScreen) Content() fyne.CanvasObject { return s.content }

func (s *CredentialsScreen) buildOutputs() {
	s.OutHost = widgets.NewOutputField(lang.L("Host"), false)
	s.OutPort = widgets.NewOutputField(lang.L("Port"), false)
	s.OutClientID = widgets.NewOutputField(lang.L("Client ID"), false)
	s.OutUsername = widgets.NewOutputField(lang.L("Username"), false)
	s.OutPassword = widgets.NewOutputField(lang.L("Password (SAS token)"), true)
	s.OutExpires = widgets.NewOutputField(lang.L("Expires"), false)
	s.OutDerivedKey = widgets.NewOutputField(lang.L("Derived device key"), true)
	s.OutDerivedKey.Content().Hide()
	s.Snippet = widget.NewMultiLineEntry()
	s.Snippet.SetMinRowsVisible(9)
	s.Snippet.TextStyle = fyne.TextStyle{Monospace: true}
	s.Snippet.Wrapping = fyne.TextWrapBreak
	s.Snippet.Disable() // read-only; the copy button takes the real text
	s.SnippetCopy = widget.NewButtonWithIcon(lang.L("Copy"), theme.ContentCopyIcon(), func() {
		if s.current.Password != "" {
			fyne.CurrentApp().Clipboard().SetContent(s.snippet(s.current))
		}
	})
	s.SnippetForm = widget.NewRadioGroup([]string{lang.L("Plain umqtt"), lang.L("qpyhub library")}, func(string) { s.renderSnippet() })
	s.SnippetForm.Horizontal = true
	s.SnippetForm.Required = true
	s.SnippetForm.SetSelected(s.SnippetForm.Options[snippetUmqtt])
	// The snippet holds the password: reveal it together with the password.
	s.OutPassword.Reveal.OnTapped = func() {
		s.OutPassword.ToggleReveal()
		s.renderSnippet()
	}
}

func (s *CredentialsScreen) mode() int {
	for i, o := range s.Mode.Options {
		if o == s.Mode.Selected {
			return i
		}
	}
	return modeDeviceKey
}

func (s *CredentialsScreen) showMode() {
	for i, b := range s.modeBoxes {
		if i == s.mode() {
			b.Show()
		} else {
			b.Hide()
		}
	}
	if s.mode() == modeGroupKey {
		s.OutDerivedKey.Content().Show()
	} else {
		s.OutDerivedKey.Content().Hide()
	}
	s.Recompute()
}

// Recompute validates the inputs of the current mode, puts each error next
// to its field, and fills the outputs when everything is valid.
func (s *CredentialsScreen) Recompute() {
	creds, err := s.compute()
	if err != nil {
		s.current = cloud.MQTTCredentials{}
	} else {
		s.current = creds
	}
	s.fillOutputs()
	s.remember.changed()
}

func (s *CredentialsScreen) compute() (cloud.MQTTCredentials, error) {
	for _, f := range []*widgets.InputField{s.Host, s.Device, s.Module, s.Key, s.ConnString, s.IDScope, s.RegID, s.GroupKey} {
		f.SetError(nil)
	}
	expiry, expiryErr := s.Expiry.Expiry()
	ws := s.WebSocket.Checked
	var creds cloud.MQTTCredentials
	var err error
	switch s.mode() {
	case modeDeviceKey:
		if blank(s.Host, s.Device, s.Key) {
			return creds, errIncomplete
		}
		id := cloud.DeviceIdentity{
			Host:     strings.TrimSpace(s.Host.Entry.Text),
			DeviceID: strings.TrimSpace(s.Device.Entry.Text),
			ModuleID: strings.TrimSpace(s.Module.Entry.Text),
			Key:      strings.TrimSpace(s.Key.Entry.Text),
		}
		if expiryErr != nil {
			return creds, expiryErr
		}
		creds, err = cloud.DeviceMQTTCredentialsAt(s.now(), id, expiry, ws)
		s.placeError(err, map[string]*widgets.InputField{"HostName": s.Host, "host": s.Host, "DeviceId": s.Device, "device id": s.Device, "ModuleId": s.Module, "module id": s.Module}, s.Key)
	case modeConnectionString:
		if blank(s.ConnString) {
			return creds, errIncomplete
		}
		cs, perr := cloud.ParseConnectionString(s.ConnString.Entry.Text)
		if perr != nil {
			s.ConnString.ShowErrorText(widgets.ErrorText(perr))
			return creds, perr
		}
		id, ierr := cloud.IdentityFromConnectionString(cs)
		if ierr != nil {
			s.ConnString.ShowErrorText(widgets.ErrorText(ierr))
			return creds, ierr
		}
		if expiryErr != nil && id.Key != "" {
			return creds, expiryErr
		}
		creds, err = cloud.DeviceMQTTCredentialsAt(s.now(), id, expiry, ws)
		if err != nil {
			s.ConnString.ShowErrorText(widgets.ErrorText(err))
		}
	case modeGroupKey:
		if blank(s.IDScope, s.RegID, s.GroupKey) {
			return creds, errIncomplete
		}
		if expiryErr != nil {
			return creds, expiryErr
		}
		creds, err = cloud.DPSGroupCredentialsAt(s.now(), strings.TrimSpace(s.IDScope.Entry.Text), strings.TrimSpace(s.RegID.Entry.Text), strings.TrimSpace(s.GroupKey.Entry.Text), expiry, ws)
		s.placeError(err, map[string]*widgets.InputField{"ID scope": s.IDScope, "id scope": s.IDScope, "registration id": s.RegID, "RegistrationId": s.RegID}, s.GroupKey)
	}
	return creds, err
}

// errIncomplete means a required field is still empty: nothing to show yet,
// and nothing to complain about while the user is typing.
var errIncomplete = errors.New("incomplete")

func blank(fields ...*widgets.InputField) bool {
	for _, f := range fields {
		if strings.TrimSpace(f.Entry.Text) == "" {
			return true
		}
	}
	return false
}

// placeError shows err under the field it names; errors naming no known
// field land under fallback (the key, the usual culprit).
func (s *CredentialsScreen) placeError(err error, byField map[string]*widgets.InputField, fallback *widgets.InputField) {
	if err == nil {
		return
	}
	var fe *cloud.FieldError
	if errors.As(err, &fe) {
		if f, ok := byField[fe.Field]; ok {
			f.SetError(err)
			return
		}
	}
	fallback.SetError(err)
}

func (s *CredentialsScreen) fillOutputs() {
	c := s.current
	if c.Password == "" {
		for _, f := range []*widgets.OutputField{s.OutHost, s.OutPort, s.OutClientID, s.OutUsername, s.OutPassword, s.OutExpires, s.OutDerivedKey} {
			f.SetValue("")
		}
		s.renderSnippet()
		return
	}
	s.OutHost.SetValue(c.Host)
	s.OutPort.SetValue(strconv.Itoa(c.Port))
	s.OutClientID.SetValue(c.ClientID)
	s.OutUsername.SetValue(c.Username)
	s.OutPassword.SetValue(c.Password)
	s.OutExpires.SetValue(describeExpiry(c.ExpiresAt, s.now()))
	s.OutDerivedKey.SetValue(c.DerivedKey)
	s.renderSnippet()
}

// renderSnippet shows the QuecPython code, with the password masked unless
// the user revealed it.
func (s *CredentialsScreen) renderSnippet() {
	c := s.current
	if c.Password == "" {
		s.Snippet.SetText("")
		s.SnippetCopy.Disable()
		return
	}
	if !s.OutPassword.Revealed() {
		c.Password = widgets.MaskedText
	}
	s.Snippet.SetText(s.snippet(c))
	s.SnippetCopy.Enable()
}

// Snippet forms, in the order SnippetForm shows them.
const (
	snippetUmqtt = iota
	snippetLibrary
)

// snippet is the code of the chosen form for c. The library form names
// the device only: its credentials are in the config the setup writes.
func (s *CredentialsScreen) snippet(c cloud.MQTTCredentials) string {
	if s.SnippetForm != nil && s.SnippetForm.Selected == s.SnippetForm.Options[snippetLibrary] {
		return moduleapp.LibrarySnippet(c.Host, c.ClientID)
	}
	return cloud.QuecPythonSnippet(c, snippetKeepalive)
}

// Credentials returns the credentials currently shown (zero when the inputs
// are incomplete or wrong); the console screen connects with them.
func (s *CredentialsScreen) Credentials() cloud.MQTTCredentials { return s.current }
