package ui

import (
	"context"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"qpyhub/device/ports"
	"qpyhub/ui/internal/uitest"
	"qpyhub/ui/widgets"
)

// fakePortWatcher hands the screen whatever lists the test sends.
type fakePortWatcher struct{ lists chan []ports.Port }

func (f *fakePortWatcher) Watch(ctx context.Context) <-chan []ports.Port { return f.lists }

// ec600n is one module's ports as ports.List reports them.
func ec600n(serial string, names ...string) []ports.Port {
	roles := []struct {
		iface int
		role  ports.Role
	}{{2, ports.RoleDiag}, {3, ports.RoleAT}, {5, ports.RoleREPL}}
	var out []ports.Port
	for i, r := range roles {
		out = append(out, ports.Port{Name: names[i], VID: 0x2C7C, PID: 0x6001, Serial: serial,
			Product: "Android", Interface: r.iface, Role: r.role, Model: "EC600N/EC800N", IsQuectel: true})
	}
	return out
}

func startPortsScreen(t *testing.T) (*PortsScreen, *fakePortWatcher, *uitest.Queue, *widgets.ModulePort, *StatusBar) {
	t.Helper()
	test.NewTempApp(t)
	fw := &fakePortWatcher{lists: make(chan []ports.Port)}
	q := uitest.NewQueue()
	current, status := widgets.NewModulePort(), NewStatusBar()
	s := NewPortsScreen(fw, current, status, q.Post)
	uitest.ShowBig(t, s.Content())
	s.Start()
	t.Cleanup(s.Stop)
	return s, fw, q, current, status
}

func (f *fakePortWatcher) plug(t *testing.T, q *uitest.Queue, s *PortsScreen, list []ports.Port) {
	t.Helper()
	f.lists <- list
	q.RunUntil(t, "the new port list", func() bool { return len(s.Ports()) == len(list) && samePortNames(s.Ports(), list) })
}

func samePortNames(a, b []ports.Port) bool {
	for i := range a {
		if a[i].Name != b[i].Name {
			return false
		}
	}
	return true
}

func TestPortsEmptyStateSaysWhatToDo(t *testing.T) {
	s, _, _, current, _ := startPortsScreen(t)
	text := uitest.ShownText(s.Content())
	if !strings.Contains(text, "No serial port found") || !strings.Contains(text, "Quectel USB driver") {
		t.Errorf("empty screen does not say what to do:\n%s", text)
	}
	if current.Name() != "" || !s.CopyName.Disabled() {
		t.Errorf("a port is chosen with no port present: %q", current.Name())
	}
}

func TestPortsPreselectsTheReplPortAndFollowsUnplugAndReplug(t *testing.T) {
	s, fw, q, current, status := startPortsScreen(t)
	other := ports.Port{Name: "/dev/ttyS0", Interface: -1, Role: ports.RoleUnknown}
	fw.plug(t, q, s, append([]ports.Port{other}, ec600n("0123", "/dev/ttyUSB0", "/dev/ttyUSB1", "/dev/ttyUSB2")...))

	if current.Name() != "/dev/ttyUSB2" {
		t.Fatalf("chosen %q, want the REPL port /dev/ttyUSB2", current.Name())
	}
	text := uitest.ShownText(s.Content())
	for _, want := range []string{"▶ /dev/ttyUSB2", "2C7C:6001", "REPL", "Quectel EC600N/EC800N", "Module port: /dev/ttyUSB2 (EC600N/EC800N)"} {
		if !strings.Contains(text, want) {
			t.Errorf("screen does not show %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "No serial port found") {
		t.Error("the empty state is still shown")
	}
	if !strings.Contains(status.Message(), "/dev/ttyUSB2") {
		t.Errorf("status bar %q does not name the module port", status.Message())
	}

	fw.plug(t, q, s, []ports.Port{other})
	if current.Name() != "" {
		t.Errorf("port %q still chosen after the module was unplugged", current.Name())
	}
	if !strings.Contains(status.Message(), "went away") || !strings.Contains(uitest.ShownText(s.Content()), "Waiting for /dev/ttyUSB2") {
		t.Errorf("unplug not reported: status %q", status.Message())
	}

	// The same module comes back under other names: same serial and interface.
	fw.plug(t, q, s, append([]ports.Port{other}, ec600n("0123", "/dev/ttyUSB3", "/dev/ttyUSB4", "/dev/ttyUSB5")...))
	if current.Name() != "/dev/ttyUSB5" {
		t.Errorf("after replug chosen %q, want /dev/ttyUSB5", current.Name())
	}
}

func TestPortsKeepsTheUsersChoice(t *testing.T) {
	s, fw, q, current, _ := startPortsScreen(t)
	fw.plug(t, q, s, ec600n("0123", "/dev/ttyUSB0", "/dev/ttyUSB1", "/dev/ttyUSB2"))
	s.Table.Select(widget.TableCellID{Row: 1, Col: 3}) // the AT port, as a click on its serial cell
	if current.Name() != "/dev/ttyUSB1" {
		t.Fatalf("chosen %q after selecting the AT port", current.Name())
	}

	// A second module appears: the choice stays.
	fw.plug(t, q, s, append(ec600n("0123", "/dev/ttyUSB0", "/dev/ttyUSB1", "/dev/ttyUSB2"),
		ec600n("0456", "/dev/ttyUSB3", "/dev/ttyUSB4", "/dev/ttyUSB5")...))
	if current.Name() != "/dev/ttyUSB1" {
		t.Errorf("choice moved to %q when another module appeared", current.Name())
	}

	// Unplugged and back on the same name without a serial number.
	fw.plug(t, q, s, nil)
	if !strings.Contains(uitest.ShownText(s.Content()), "No serial port found") {
		t.Error("no empty state after every port went away")
	}
	back := ec600n("", "/dev/ttyUSB0", "/dev/ttyUSB1", "/dev/ttyUSB2")
	fw.plug(t, q, s, back)
	if current.Name() != "/dev/ttyUSB1" {
		t.Errorf("after replug chosen %q, want the user's /dev/ttyUSB1", current.Name())
	}
}

func TestPortsHintWhenNoQuectelModule(t *testing.T) {
	s, fw, q, current, _ := startPortsScreen(t)
	fw.plug(t, q, s, []ports.Port{{Name: "COM1", Interface: -1}, {Name: "COM7", VID: 0x1A86, PID: 0x7523, Interface: 0}})
	if !strings.Contains(uitest.ShownText(s.Content()), "None of these ports belongs to a Quectel module") {
		t.Errorf("no hint:\n%s", uitest.ShownText(s.Content()))
	}
	if current.Name() != "" {
		t.Errorf("chose %q although no port is a REPL port", current.Name())
	}
}
