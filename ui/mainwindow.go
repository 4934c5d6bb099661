// Package ui is qpyhub's window: the main window with its menu, keyboard
// shortcuts and status bar, and the small screens (Ports, Credentials,
// Terminal, Settings, About), each in files named after it. The big
// screens have rooms of their own (console, setup, module, devices,
// updates) and what several screens share is in ui/widgets; ui imports
// them, never the other way round.
//
// It holds presentation state only and reaches modules and the cloud
// through the small interfaces in services.go, so tests can hand it
// fakes. It never imports fyne.io/fyne/v2/app. Every widget update from a
// goroutine goes through the one post function the main window binds to
// fyne.Do and hands to every screen.
package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"

	"qpyhub/assets"
	"qpyhub/ui/console"
	"qpyhub/ui/devices"
	"qpyhub/ui/module"
	"qpyhub/ui/setup"
	"qpyhub/ui/updates"
	"qpyhub/ui/widgets"
)

// AppIcon is the application icon as a Fyne resource.
var AppIcon fyne.Resource = fyne.NewStaticResource("qpyhub.png", assets.IconPNG)

// MainWindow is the window's content: the navigation, the screens and the
// status bar.
type MainWindow struct {
	Tabs        *container.AppTabs
	Status      *StatusBar
	Credentials *CredentialsScreen
	Console     *console.Screen
	ModulePort  *widgets.ModulePort
	Ports       *PortsScreen
	Module      *module.Screen
	Terminal    *TerminalScreen
	Setup       *setup.Screen
	Devices     *devices.Screen
	Updates     *updates.Screen
	Settings    *SettingsScreen
	About       *AboutScreen

	remembered *remembered
}

// NewMainWindow fills w with qpyhub's screens. This is where widget
// updates from goroutines are bound to fyne.Do, once: every screen gets
// the same post function.
func NewMainWindow(w fyne.Window, s Services) *MainWindow {
	return newMainWindow(w, s, fyne.Do)
}

// newMainWindow builds the window with post as every screen's way onto
// the UI goroutine; tests hand their own.
func newMainWindow(w fyne.Window, s Services, post func(func())) *MainWindow {
	m := &MainWindow{Status: NewStatusBar(), ModulePort: widgets.NewModulePort()}
	m.Credentials = NewCredentialsScreen(post)
	m.Console = console.NewScreen(w, s.Sessions, s.LocalHub, s.LocalHubErr, m.Credentials.Credentials, post)
	m.Ports = NewPortsScreen(s.Ports, m.ModulePort, m.Status, post)
	m.Module = module.NewScreen(w, s.Checker, s.Files, m.ModulePort, m.Status, post)
	m.Terminal = NewTerminalScreen(w, s.Terminal, m.ModulePort, m.Status, post)
	m.Setup = setup.NewScreen(w, s.Setup, m.ModulePort, m.Ports.Ports, localHubPolicy(s.LocalHub), m.Status, post)
	m.Devices = devices.NewScreen(w, s.Fleet, post)
	m.Updates = updates.NewScreen(w, s.Updates, post)
	prefs := fyne.CurrentApp().Preferences()
	m.Settings = NewSettingsScreen(w, prefs)
	m.About = NewAboutScreen(w, s.Version, s.Diagnostics)

	m.Tabs = container.NewAppTabs(
		container.NewTabItemWithIcon(lang.L("Ports"), theme.ComputerIcon(), m.Ports.Content()),
		container.NewTabItemWithIcon(lang.L("Module"), theme.InfoIcon(), m.Module.Content()),
		container.NewTabItemWithIcon(lang.L("Terminal"), theme.ListIcon(), m.Terminal.Content()),
		container.NewTabItemWithIcon(lang.L("Credentials"), theme.AccountIcon(), m.Credentials.Content()),
		container.NewTabItemWithIcon(lang.L("Console"), theme.MailComposeIcon(), m.Console.Content()),
		container.NewTabItemWithIcon(lang.L("Setup"), theme.ConfirmIcon(), m.Setup.Content()),
		container.NewTabItemWithIcon(lang.L("Devices"), theme.GridIcon(), m.Devices.Content()),
		container.NewTabItemWithIcon(lang.L("Updates"), theme.DownloadIcon(), m.Updates.Content()),
		container.NewTabItemWithIcon(lang.L("Settings"), theme.SettingsIcon(), m.Settings.Content()),
		container.NewTabItemWithIcon(lang.L("About"), theme.HelpIcon(), m.About.Content()),
	)
	m.Tabs.SetTabLocation(container.TabLocationLeading)
	m.rememberScreen(prefs)
	m.restoreState(prefs)
	m.addShortcuts(w.Canvas())

	w.SetContent(container.NewBorder(nil, m.Status.Content(), nil, nil, m.Tabs))
	m.Ports.Start()
	return m
}

// screenIDs name the tabs in preferences, in tab order; they never change
// with the language.
var screenIDs = []string{"ports", "module", "terminal", "credentials", "console", "setup", "devices", "updates", "settings", "about"}

// prefScreen is the preference that remembers the last screen shown.
const prefScreen = "screen"

// rememberScreen opens the screen used last (Ports the first time: a
// technician starts by plugging a module in) and remembers every change.
func (m *MainWindow) rememberScreen(prefs fyne.Preferences) {
	start := prefs.StringWithFallback(prefScreen, screenIDs[0])
	for i, id := range screenIDs {
		if id == start {
			m.Tabs.SelectIndex(i)
		}
	}
	m.Tabs.OnSelected = func(*container.TabItem) {
		if i := m.Tabs.SelectedIndex(); i >= 0 && i < len(screenIDs) {
			prefs.SetString(prefScreen, screenIDs[i])
			if screenIDs[i] == "setup" {
				m.Setup.Shown()
			}
		}
	}
}

// SelectScreen shows the screen with the given id ("ports", "console", …).
func (m *MainWindow) SelectScreen(id string) {
	for i, s := range screenIDs {
		if s == id {
			m.Tabs.SelectIndex(i)
		}
	}
}

// localHubPolicy is the local hub as the Setup screen's policy source, nil
// when there is no local hub or it hands out no policy.
func localHubPolicy(hub console.LocalHub) setup.LocalHubPolicy {
	if hub == nil {
		return nil
	}
	p, _ := hub.(setup.LocalHubPolicy)
	return p
}
