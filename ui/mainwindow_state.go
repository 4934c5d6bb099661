package ui

import (
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"qpyhub/app/settings"
	"qpyhub/device/ports"
)

// Preference keys of what the window remembers between runs. None of
// them ever holds a key, token or password.
const (
	prefWindowWidth    = "window.width"
	prefWindowHeight   = "window.height"
	prefPortName       = "module.port.name"
	prefPortSerial     = "module.port.serial"
	prefPortVID        = "module.port.vid"
	prefPortPID        = "module.port.pid"
	prefPortInterface  = "module.port.interface"
	prefConsoleSplit   = "layout.console.split"
	prefMessagesSplit  = "layout.console.messagesSplit"
	minRememberedWidth = 480
)

// remembered is the state restored at start and saved at close.
type remembered struct {
	prefs         fyne.Preferences
	hosts         *recentList
	devices       *recentList
	hostChoices   *widget.SelectEntry
	deviceChoices *widget.SelectEntry
	caFile        string // the settings' CA file last put into the console
}

// WindowSize is the size the window had when it was last closed, or
// fallback the first time (or when the stored size is implausibly small).
func WindowSize(prefs fyne.Preferences, fallback fyne.Size) fyne.Size {
	w, h := prefs.Float(prefWindowWidth), prefs.Float(prefWindowHeight)
	if w < minRememberedWidth || h < minRememberedWidth/2 {
		return fallback
	}
	return fyne.NewSize(float32(w), float32(h))
}

// restoreState applies the settings and what the last run left behind,
// and starts remembering changes. It runs before the ports are watched,
// so the last module port is chosen again as soon as it shows up.
func (m *MainWindow) restoreState(prefs fyne.Preferences) {
	r := &remembered{prefs: prefs,
		hosts:   newRecentList(prefs, prefRecentHosts, recentMax),
		devices: newRecentList(prefs, prefRecentDevices, recentMax),
	}
	m.remembered = r
	r.hostChoices = offerRecent(m.Credentials.Host, r.hosts)
	r.deviceChoices = offerRecent(m.Credentials.Device, r.devices)

	m.applySettings(m.Settings.Current())
	m.Settings.OnChanged(m.applySettings)

	if name := prefs.String(prefPortName); name != "" {
		// Not "chosen by the user": when it is absent, the first REPL
		// port is taken as usual instead of waiting for it.
		m.Ports.wanted = ports.Port{Name: name, Serial: prefs.String(prefPortSerial),
			VID: uint16(prefs.Int(prefPortVID)), PID: uint16(prefs.Int(prefPortPID)),
			Interface: prefs.IntWithFallback(prefPortInterface, -1)}
	}
	m.ModulePort.OnChanged(func(p ports.Port) {
		if p.Name != "" {
			prefs.SetString(prefPortName, p.Name)
			prefs.SetString(prefPortSerial, p.Serial)
			prefs.SetInt(prefPortVID, int(p.VID))
			prefs.SetInt(prefPortPID, int(p.PID))
			prefs.SetInt(prefPortInterface, p.Interface)
		}
	})

	for key, split := range m.consoleSplits() {
		if v := prefs.Float(key); v > 0.05 && v < 0.95 {
			split.SetOffset(v)
		}
	}

	// Hub and device names are remembered once the user leaves the
	// Credentials screen with valid credentials, not at every keystroke.
	selected := m.Tabs.OnSelected
	m.Tabs.OnSelected = func(t *container.TabItem) {
		m.rememberRecent()
		m.Credentials.RememberKey()
		if selected != nil {
			selected(t)
		}
	}
}

// SaveState remembers the window size, the console layout and the
// credentials' host and device; the app calls it when the window closes.
func (m *MainWindow) SaveState(size fyne.Size) {
	prefs := m.remembered.prefs
	if size.Width >= minRememberedWidth {
		prefs.SetFloat(prefWindowWidth, float64(size.Width))
		prefs.SetFloat(prefWindowHeight, float64(size.Height))
	}
	for key, split := range m.consoleSplits() {
		prefs.SetFloat(key, split.Offset)
	}
	m.rememberRecent()
	m.Credentials.RememberKey()
}

// applySettings hands the settings to the screens that use them.
func (m *MainWindow) applySettings(s settings.Settings) {
	if text := strconv.Itoa(s.ConsoleCapacity); m.Console.Messages.Capacity.Text != text {
		m.Console.Messages.Capacity.SetText(text)
	}
	// The console's CA field follows the settings unless the user typed
	// another file there.
	r := m.remembered
	ca := m.Console.Target.CAFile.Entry
	if current := strings.TrimSpace(ca.Text); current == "" || current == r.caFile {
		ca.SetText(s.CAFile)
	}
	r.caFile = s.CAFile
}

// rememberRecent adds the host and device of valid device-key
// credentials to the recent lists offered on the Credentials screen.
func (m *MainWindow) rememberRecent() {
	c, r := m.Credentials, m.remembered
	if c.mode() != modeDeviceKey || c.Credentials().Host == "" {
		return
	}
	r.hosts.Add(c.Host.Entry.Text)
	r.devices.Add(c.Device.Entry.Text)
	showRecent(r.hostChoices, r.hosts.Items())
	showRecent(r.deviceChoices, r.devices.Items())
}

// consoleSplits are the console's movable dividers by preference key.
func (m *MainWindow) consoleSplits() map[string]*container.Split {
	out := map[string]*container.Split{}
	if s, ok := m.Console.Content().(*container.Split); ok {
		out[prefConsoleSplit] = s
	}
	if s, ok := m.Console.Messages.Content().(*container.Split); ok {
		out[prefMessagesSplit] = s
	}
	return out
}
