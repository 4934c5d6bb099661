package ui

import (
	"context"
	"qpyhub/cloud/hubclient"
	"qpyhub/ui/console"
	"qpyhub/ui/internal/uitest"
	"strings"
	"sync"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
)

// windowSession is a device session as the window's tests open it: it
// connects at once and delivers no event until it is closed.
type windowSession struct {
	console.DeviceSession // the calls these tests never make
	target                console.SessionTarget
	events                chan hubclient.Event
	closeOnce             sync.Once
}

func (s *windowSession) Connect(context.Context) error  { return nil }
func (s *windowSession) Events() <-chan hubclient.Event { return s.events }
func (s *windowSession) Close()                         { s.closeOnce.Do(func() { close(s.events) }) }

// windowSessions opens window sessions and keeps them.
type windowSessions struct{ sessions []*windowSession }

func (f *windowSessions) NewSession(target console.SessionTarget) (console.DeviceSession, error) {
	s := &windowSession{target: target, events: make(chan hubclient.Event)}
	f.sessions = append(f.sessions, s)
	return s, nil
}

// windowHub is a local hub with its devices and their connection strings.
type windowHub struct {
	console.LocalHub // the cloud side, which these tests never play
	devices          []string
}

func (h *windowHub) Address() string   { return "127.0.0.1:8883" }
func (h *windowHub) Devices() []string { return h.devices }
func (h *windowHub) DeviceConnectionString(id string) (string, error) {
	return "HostName=localhost;DeviceId=" + id + ";SharedAccessKey=bG9jYWwta2V5", nil
}

// press delivers a key combination to the window as the driver would.
func press(w fyne.Window, key fyne.KeyName, mods fyne.KeyModifier) {
	w.Canvas().(fyne.Shortcutable).TypedShortcut(&desktop.CustomShortcut{KeyName: key, Modifier: mods})
}

func TestShortcutsTriggerTheScreens(t *testing.T) {
	test.NewTempApp(t)
	w := test.NewTempWindow(t, nil)
	w.Resize(fyne.NewSize(1280, 800))
	factory := &windowSessions{}
	// The screens' goroutines post here; the test runs what they post.
	q := uitest.NewQueue()
	m := newMainWindow(w, Services{Sessions: factory, LocalHub: &windowHub{devices: []string{"demo-device"}}}, q.Post)
	defer m.Ports.Stop()
	t.Cleanup(func() {
		for _, s := range factory.sessions {
			s.Close()
		}
	})
	ctrl := fyne.KeyModifierShortcutDefault

	press(w, fyne.KeyR, ctrl)
	if m.Tabs.Selected().Text != "Module" {
		t.Errorf("Ctrl+R shows %q", m.Tabs.Selected().Text)
	}
	if !strings.Contains(uitest.ShownText(m.Module.Content()), "No module port is chosen") {
		t.Error("Ctrl+R did not check the module (no port, so it must say so)")
	}

	m.SelectScreen("ports")
	m.Console.Target.Device.SetSelected("demo-device")
	press(w, fyne.KeyC, ctrl|fyne.KeyModifierShift)
	if m.Tabs.Selected().Text != "Console" {
		t.Errorf("Ctrl+Shift+C shows %q", m.Tabs.Selected().Text)
	}
	if len(factory.sessions) != 1 || factory.sessions[0].target.LocalDevice != "demo-device" {
		t.Fatalf("Ctrl+Shift+C opened %d sessions", len(factory.sessions))
	}
	q.Next(t) // the connection attempt ends
	if !m.Console.Connected() {
		t.Error("the console is not connected")
	}
	press(w, fyne.KeyC, ctrl|fyne.KeyModifierShift)
	if len(factory.sessions) != 1 {
		t.Error("a second Ctrl+Shift+C opened another session")
	}

	m.Console.Messages.Log.Add(&console.LogEntry{Seq: 1, Kind: console.KindC2D, Title: "c2d"}, &console.LogEntry{Seq: 2, Kind: console.KindC2D, Title: "c2d"})
	press(w, fyne.KeyL, ctrl)
	if n := m.Console.Messages.Log.Len(); n != 0 {
		t.Errorf("Ctrl+L left %d messages", n)
	}

	if got := m.Console.Target.Connect.Text; got != "Connect (Ctrl+Shift+C)" {
		t.Errorf("connect button reads %q", got)
	}
}

func TestShortcutText(t *testing.T) {
	for _, tc := range []struct {
		sc   *desktop.CustomShortcut
		want string
	}{
		{&desktop.CustomShortcut{KeyName: fyne.KeyR, Modifier: fyne.KeyModifierControl}, "Ctrl+R"},
		{&desktop.CustomShortcut{KeyName: fyne.KeyC, Modifier: fyne.KeyModifierControl | fyne.KeyModifierShift}, "Ctrl+Shift+C"},
		{&desktop.CustomShortcut{KeyName: fyne.KeyF5, Modifier: fyne.KeyModifierAlt}, "Alt+F5"},
	} {
		if got := ShortcutText(tc.sc); got != tc.want {
			t.Errorf("%v: %q, want %q", tc.sc, got, tc.want)
		}
	}
}

// menuItem finds an entry of the main menu by its menu and item labels.
func menuItem(t *testing.T, mm *fyne.MainMenu, menu, item string) *fyne.MenuItem {
	t.Helper()
	for _, m := range mm.Items {
		if m.Label != menu {
			continue
		}
		for _, it := range m.Items {
			if it.Label == item {
				return it
			}
		}
	}
	t.Fatalf("no %s > %s in the menu", menu, item)
	return nil
}

func TestMainMenuActsOnTheScreens(t *testing.T) {
	test.NewTempApp(t)
	w := test.NewTempWindow(t, nil)
	w.Resize(fyne.NewSize(1280, 800))
	m := NewMainWindow(w, Services{Sessions: &windowSessions{}})
	defer m.Ports.Stop()
	mm := m.MainMenu()

	if !menuItem(t, mm, "File", "Quit").IsQuit {
		t.Error("File > Quit is not the quit item")
	}
	for _, tc := range []struct{ menu, item, screen string }{
		{"Help", "About qpyhub", "About"},
		{"File", "Settings", "Settings"},
		{"Module", "Terminal", "Terminal"},
		{"Module", "Check module", "Module"},
		{"Console", "Clear console", "Console"},
		{"Hub", "Devices", "Devices"},
		{"Hub", "Updates", "Updates"},
	} {
		m.SelectScreen("ports")
		menuItem(t, mm, tc.menu, tc.item).Action()
		if got := m.Tabs.Selected().Text; got != tc.screen {
			t.Errorf("%s > %s shows %q, want %q", tc.menu, tc.item, got, tc.screen)
		}
	}
	if sc := menuItem(t, mm, "Console", "Connect").Shortcut; sc == nil || sc.ShortcutName() != ShortcutConnect.ShortcutName() {
		t.Errorf("Console > Connect shortcut %v", sc)
	}

	menuItem(t, mm, "File", "Export console…").Action()
	if top := w.Canvas().Overlays().Top(); top == nil {
		t.Error("File > Export console… opened no dialog")
	}
}
