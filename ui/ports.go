package ui

import (
	"context"
	"fmt"
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"qpyhub/device/ports"
	"qpyhub/ui/widgets"
)

// PortsScreen lists the serial ports with their USB identity, follows
// plugging and unplugging, and lets the user choose the module port the
// Module and Terminal screens use.
type PortsScreen struct {
	Table    *widget.Table
	Chosen   *widget.Label // "Module port: …"
	CopyName *widget.Button
	Empty    *widget.Card // shown when there is no port at all
	Hint     *widget.Label

	list []ports.Port
	// wanted is the device the user chose (or the first REPL port, until
	// the user chooses); it is chosen again when it comes back.
	wanted       ports.Port
	wantedByUser bool
	applying     bool

	current *widgets.ModulePort
	status  *StatusBar
	watcher PortWatcher
	post    func(func())
	stop    context.CancelFunc
	content fyne.CanvasObject
}

// portColumns are the table's column titles, in order.
func portColumns() []string {
	return []string{lang.L("Port"), "VID:PID", lang.L("Product"), lang.L("Serial number"),
		lang.L("USB interface"), lang.L("Role"), lang.L("Module")}
}

// NewPortsScreen builds the screen; Start begins following the ports,
// whose changes reach the screen through post (the window binds it once).
func NewPortsScreen(watcher PortWatcher, current *widgets.ModulePort, status *StatusBar, post func(func())) *PortsScreen {
	s := &PortsScreen{current: current, status: status, watcher: watcher, post: post}
	s.Table = widget.NewTableWithHeaders(
		func() (int, int) { return len(s.list), len(portColumns()) },
		func() fyne.CanvasObject { return widget.NewLabel("/dev/ttyUSB00") },
		s.updateCell)
	s.Table.ShowHeaderColumn = false
	s.Table.CreateHeader = func() fyne.CanvasObject {
		return widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	}
	s.Table.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		if id.Row < 0 && id.Col >= 0 && id.Col < len(portColumns()) {
			o.(*widget.Label).SetText(portColumns()[id.Col])
		}
	}
	for col, w := range []float32{150, 100, 220, 170, 110, roleColumnWidth(), 220} {
		s.Table.SetColumnWidth(col, w)
	}
	s.Table.OnSelected = func(id widget.TableCellID) {
		if id.Row >= 0 && id.Row < len(s.list) && !s.applying {
			s.choose(s.list[id.Row], true)
		}
	}

	s.Chosen = widget.NewLabel(lang.L("No module port chosen"))
	s.Chosen.TextStyle = fyne.TextStyle{Bold: true}
	s.CopyName = widget.NewButtonWithIcon(lang.L("Copy port name"), theme.ContentCopyIcon(), func() {
		if name := s.current.Name(); name != "" {
			fyne.CurrentApp().Clipboard().SetContent(name)
		}
	})
	s.CopyName.Disable()
	emptyText := widget.NewLabel(lang.L("Plug the module in with a USB data cable (some cables only charge). On Windows, install the Quectel USB driver first, then plug the module in again. The list follows by itself."))
	emptyText.Wrapping = fyne.TextWrapWord
	s.Empty = widget.NewCard(lang.L("No serial port found"), "", emptyText)
	s.Hint = widget.NewLabel("")
	s.Hint.Wrapping = fyne.TextWrapWord

	top := container.NewBorder(nil, nil, nil, s.CopyName, s.Chosen)
	s.content = container.NewBorder(top, s.Hint, nil, nil, container.NewStack(s.Table, container.NewVBox(s.Empty)))
	s.SetPorts(nil)
	return s
}

// Content is the screen's widget tree.
func (s *PortsScreen) Content() fyne.CanvasObject { return s.content }

// Start follows the watcher until Stop.
func (s *PortsScreen) Start() {
	if s.watcher == nil || s.stop != nil {
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	s.stop = cancel
	updates := s.watcher.Watch(ctx)
	go func() {
		for list := range updates {
			s.post(func() { s.SetPorts(list) })
		}
	}()
}

// Stop ends following the ports.
func (s *PortsScreen) Stop() {
	if s.stop != nil {
		s.stop()
	}
}

// Ports is the list shown.
func (s *PortsScreen) Ports() []ports.Port { return s.list }

// SetPorts shows list, keeps the chosen device chosen when it is still (or
// again) there, and otherwise points at the first REPL port.
func (s *PortsScreen) SetPorts(list []ports.Port) {
	s.list = list
	s.applying = true
	s.Table.UnselectAll()
	s.Table.Refresh()
	s.applying = false
	if len(list) == 0 {
		s.Table.Hide()
		s.Empty.Show()
	} else {
		s.Empty.Hide()
		s.Table.Show()
	}
	s.Hint.SetText(portsHint(list))

	row := findDevice(list, s.wanted)
	if row < 0 && !s.wantedByUser {
		if repl := ports.ReplPorts(list); len(repl) > 0 {
			row = findDevice(list, repl[0])
		}
	}
	if row < 0 {
		s.lose()
		return
	}
	s.choose(list[row], s.wantedByUser)
}

// choose makes p the module port and marks its row.
func (s *PortsScreen) choose(p ports.Port, byUser bool) {
	s.wanted, s.wantedByUser = p, byUser
	if row := findDevice(s.list, p); row >= 0 {
		s.applying = true
		s.Table.Select(widget.TableCellID{Row: row, Col: 0})
		s.applying = false
	}
	s.Chosen.SetText(lang.L("Module port: {{.Port}}", map[string]any{"Port": widgets.DescribePort(p)}))
	s.CopyName.Enable()
	if s.current.Name() != p.Name {
		s.status.SetMessage(lang.L("Module port: {{.Port}}", map[string]any{"Port": widgets.DescribePort(p)}))
	}
	s.current.Set(p)
	s.Table.Refresh()
}

// lose clears the module port because its device is not plugged in.
func (s *PortsScreen) lose() {
	if s.wanted.Name != "" && s.current.Name() != "" {
		s.status.SetMessage(lang.L("The module port {{.Port}} went away: plug the module back in", map[string]any{"Port": s.wanted.Name}))
	}
	if s.wanted.Name != "" {
		s.Chosen.SetText(lang.L("Waiting for {{.Port}} to come back", map[string]any{"Port": widgets.DescribePort(s.wanted)}))
	} else {
		s.Chosen.SetText(lang.L("No module port chosen"))
	}
	s.CopyName.Disable()
	s.current.Set(ports.Port{})
	s.Table.Refresh()
}

func (s *PortsScreen) updateCell(id widget.TableCellID, o fyne.CanvasObject) {
	l := o.(*widget.Label)
	if id.Row < 0 || id.Row >= len(s.list) {
		l.SetText("")
		return
	}
	p := s.list[id.Row]
	l.TextStyle = fyne.TextStyle{Bold: p.Role == ports.RoleREPL}
	switch {
	case p.Role == ports.RoleREPL:
		l.Importance = widget.HighImportance
	case !p.IsQuectel:
		l.Importance = widget.LowImportance
	default:
		l.Importance = widget.MediumImportance
	}
	text := portCell(p, id.Col)
	if id.Col == 0 && p.Name == s.current.Name() {
		text = "▶ " + text // the chosen port, whichever cell was tapped
	}
	l.SetText(text)
}

// portCell is the text of one column of a port's row.
func portCell(p ports.Port, col int) string {
	switch col {
	case 0:
		return p.Name
	case 1:
		if p.VID == 0 && p.PID == 0 {
			return "—"
		}
		return fmt.Sprintf("%04X:%04X", p.VID, p.PID)
	case 2:
		return p.Product
	case 3:
		return p.Serial
	case 4:
		if p.Interface < 0 || p.VID == 0 {
			return "—"
		}
		return strconv.Itoa(p.Interface)
	case 5:
		return widgets.RoleLabel(p.Role)
	case 6:
		if p.IsQuectel {
			return "Quectel " + p.Model
		}
	}
	return ""
}

// portsHint says what to do when the list holds no usable module port.
func portsHint(list []ports.Port) string {
	quectel := false
	for _, p := range list {
		quectel = quectel || p.IsQuectel
	}
	switch {
	case len(list) == 0:
		return ""
	case !quectel:
		return lang.L("None of these ports belongs to a Quectel module: check the USB cable and, on Windows, the Quectel USB driver.")
	case len(ports.ReplPorts(list)) == 0:
		return lang.L("A Quectel module is plugged in, but none of its ports is known as the REPL port: choose the port by hand, or flash QuecPython firmware.")
	}
	return lang.L("The REPL port is highlighted. Select another row to use that port instead.")
}

// findDevice answers the row of the device p names: the same serial
// number and USB interface, else the same port name; -1 when absent.
func findDevice(list []ports.Port, p ports.Port) int {
	if p.Name == "" {
		return -1
	}
	if p.Serial != "" {
		for i, q := range list {
			if q.Serial == p.Serial && q.Interface == p.Interface && q.VID == p.VID && q.PID == p.PID {
				return i
			}
		}
	}
	for i, q := range list {
		if q.Name == p.Name {
			return i
		}
	}
	return -1
}

// roleColumnWidth fits the longest role word ("diagnostics") in the
// language shown, and the column's title.
func roleColumnWidth() float32 {
	width := float32(70)
	for _, text := range append(ports.Labels(), "Role") {
		size := fyne.MeasureText(lang.L(text), theme.TextSize(), fyne.TextStyle{Bold: text == "Role"})
		width = max(width, size.Width+2*theme.InnerPadding())
	}
	return width
}
