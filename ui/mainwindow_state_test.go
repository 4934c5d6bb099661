package ui

import (
	"slices"
	"strconv"
	"strings"
	"testing"

	"qpyhub/app/settings"
	"qpyhub/ui/internal/uitest"
	"qpyhub/ui/widgets"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"qpyhub/device/ports"
)

func newTestMainWindow(t *testing.T) (*MainWindow, fyne.Window) {
	t.Helper()
	w := test.NewTempWindow(t, nil)
	w.Resize(fyne.NewSize(1280, 800))
	m := NewMainWindow(w, Services{})
	t.Cleanup(m.Ports.Stop)
	return m, w
}

func TestRecentListKeepsTheLatestFirst(t *testing.T) {
	a := test.NewTempApp(t)
	r := newRecentList(a.Preferences(), "recent.test", 3)
	for _, v := range []string{"a", " b ", "", "a", "c", "d"} {
		r.Add(v)
	}
	if got, want := r.Items(), []string{"d", "c", "a"}; !slices.Equal(got, want) {
		t.Errorf("items %q, want %q", got, want)
	}
	if got := newRecentList(a.Preferences(), "recent.test", 3).Items(); !slices.Equal(got, []string{"d", "c", "a"}) {
		t.Errorf("another list on the same preferences sees %q", got)
	}
}

func TestCredentialsOfferRecentHostsAndDevices(t *testing.T) {
	test.NewTempApp(t)
	m, _ := newTestMainWindow(t)
	m.SelectScreen("credentials")
	c := m.Credentials
	if hasVisibleButton(c.Host.Content()) {
		t.Error("a drop-down is offered with nothing in it")
	}
	test.Type(c.Host.Entry, "myhub.azure-devices.net")
	test.Type(c.Device.Entry, "ec600n-01")
	if c.Credentials().Host != "" {
		t.Fatal("credentials without a key: the test setup is wrong")
	}
	m.SelectScreen("console") // invalid credentials: nothing remembered
	m.SelectScreen("credentials")
	c.Key.Entry.SetText("MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=") // pasted
	if c.Credentials().Host == "" {
		t.Fatal("the credentials did not compute")
	}
	m.SelectScreen("console")

	m2, w2 := newTestMainWindow(t)
	m2.SelectScreen("credentials")
	if got := pickRecent(t, w2, m2.Credentials.Host); got != "myhub.azure-devices.net" {
		t.Fatalf("host suggestions %q", got)
	}
	if m2.Credentials.Host.Entry.Text != "myhub.azure-devices.net" {
		t.Errorf("choosing the suggestion gave %q", m2.Credentials.Host.Entry.Text)
	}
	if got := pickRecent(t, w2, m2.Credentials.Device); got != "ec600n-01" {
		t.Errorf("device suggestions %q", got)
	}
}

func hasVisibleButton(o fyne.CanvasObject) bool {
	found := false
	uitest.Walk(o, func(o fyne.CanvasObject) bool {
		if found || !o.Visible() {
			return false
		}
		_, found = o.(*widget.Button)
		return !found
	})
	return found
}

// pickRecent opens the field's drop-down, returns what it offers and
// chooses the first offer.
func pickRecent(t *testing.T, w fyne.Window, f *widgets.InputField) string {
	t.Helper()
	var button *widget.Button
	uitest.Walk(f.Content(), func(o fyne.CanvasObject) bool {
		b, ok := o.(*widget.Button)
		if ok {
			button = b
		}
		return !ok
	})
	if button == nil {
		t.Fatal("the field has no drop-down button")
	}
	test.Tap(button)
	var menu *widget.PopUpMenu
	uitest.Walk(w.Canvas().Overlays().Top(), func(o fyne.CanvasObject) bool {
		m, ok := o.(*widget.PopUpMenu)
		if ok {
			menu = m
		}
		return !ok
	})
	if menu == nil || len(menu.Items) == 0 {
		t.Fatal("no suggestions shown")
	}
	offered := strings.TrimSpace(uitest.ShownText(menu))
	test.Tap(menu.Items[0].(fyne.Tappable))
	return offered
}

func TestWindowSizeIsRemembered(t *testing.T) {
	a := test.NewTempApp(t)
	fallback := fyne.NewSize(1100, 720)
	if got := WindowSize(a.Preferences(), fallback); got != fallback {
		t.Fatalf("first start: %v", got)
	}
	m, _ := newTestMainWindow(t)
	m.SaveState(fyne.NewSize(1366, 700))
	if got := WindowSize(a.Preferences(), fallback); got != fyne.NewSize(1366, 700) {
		t.Errorf("remembered %v", got)
	}
	m.SaveState(fyne.NewSize(20, 10)) // a minimised window is not a size to restore
	if got := WindowSize(a.Preferences(), fallback); got != fyne.NewSize(1366, 700) {
		t.Errorf("after a tiny size: %v", got)
	}
}

func TestLastModulePortIsChosenAgain(t *testing.T) {
	test.NewTempApp(t)
	list := []ports.Port{
		{Name: "/dev/ttyUSB2", VID: 0x2c7c, PID: 0x6002, Serial: "A1", Interface: 2, Role: ports.RoleREPL, IsQuectel: true},
		{Name: "/dev/ttyUSB7", VID: 0x2c7c, PID: 0x6002, Serial: "B2", Interface: 2, Role: ports.RoleREPL, IsQuectel: true},
	}
	m, _ := newTestMainWindow(t)
	m.Ports.SetPorts(list)
	if m.ModulePort.Name() != "/dev/ttyUSB2" {
		t.Fatalf("without a memory the first REPL port is chosen, got %q", m.ModulePort.Name())
	}
	m.Ports.Table.Select(widget.TableCellID{Row: 1, Col: 0})
	if m.ModulePort.Name() != "/dev/ttyUSB7" {
		t.Fatalf("choosing the second row gave %q", m.ModulePort.Name())
	}

	m2, _ := newTestMainWindow(t)
	m2.Ports.SetPorts(nil) // not plugged in yet
	m2.Ports.SetPorts(list)
	if m2.ModulePort.Name() != "/dev/ttyUSB7" {
		t.Errorf("next start chose %q, want the remembered /dev/ttyUSB7", m2.ModulePort.Name())
	}

	m3, _ := newTestMainWindow(t)
	m3.Ports.SetPorts(list[:1]) // the remembered module is not there today
	if m3.ModulePort.Name() != "/dev/ttyUSB2" {
		t.Errorf("with the remembered port absent, chose %q", m3.ModulePort.Name())
	}
}

func TestSettingsReachTheConsole(t *testing.T) {
	a := test.NewTempApp(t)
	s := settings.Default()
	s.ConsoleCapacity, s.CAFile = 700, "/etc/corp-ca.pem"
	settings.Save(a.Preferences(), s)
	m, _ := newTestMainWindow(t)
	if got := m.Console.Messages.Log.Capacity(); got != 700 {
		t.Errorf("console keeps %d messages, want 700", got)
	}
	if got := m.Console.Target.CAFile.Entry.Text; got != "/etc/corp-ca.pem" {
		t.Errorf("console CA file %q", got)
	}
	retype(m.Settings.Capacity, "1500")
	if got := m.Console.Messages.Log.Capacity(); got != 1500 {
		t.Errorf("after the change the console keeps %d, want 1500", got)
	}
	if got := m.Console.Messages.Capacity.Text; got != strconv.Itoa(1500) {
		t.Errorf("the console's own field shows %q", got)
	}
}

func TestConsoleLayoutIsRemembered(t *testing.T) {
	test.NewTempApp(t)
	m, _ := newTestMainWindow(t)
	m.Console.Content().(*container.Split).SetOffset(0.3)
	m.SaveState(fyne.NewSize(1200, 800))
	m2, _ := newTestMainWindow(t)
	if got := m2.Console.Content().(*container.Split).Offset; got != 0.3 {
		t.Errorf("console divider at %v, want 0.3", got)
	}
}
