package setup

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"qpyhub/device/ports"
	"qpyhub/ui/widgets"
)

// modulesStep is step 1: which modules to set up, the chosen one or
// every Quectel REPL port (a tray), and whether a failed module check may
// be overridden.
type modulesStep struct {
	Which    *widget.RadioGroup
	PortList *widget.Label
	Override *widget.Check

	current   *widgets.ModulePort
	listPorts func() []ports.Port
	changed   func()
	box       *fyne.Container
}

// Choices of Which, in order.
const (
	oneModule = iota
	everyModule
)

func newModulesStep(current *widgets.ModulePort, listPorts func() []ports.Port, changed func()) *modulesStep {
	m := &modulesStep{current: current, listPorts: listPorts, changed: changed}
	m.Which = widget.NewRadioGroup([]string{lang.L("The module port chosen on the Ports screen"), lang.L("Every Quectel REPL port (a tray of modules)")},
		func(string) { m.refresh() })
	m.Which.Required = true
	m.PortList = widget.NewLabel("")
	m.PortList.Wrapping = fyne.TextWrapWord
	m.PortList.TextStyle = fyne.TextStyle{Monospace: true}
	m.Which.SetSelected(m.Which.Options[oneModule])
	m.Override = widget.NewCheck(lang.L("Go on even if the module check fails (the record says so)"), nil)
	m.box = container.NewVBox(m.Which, m.PortList, m.Override)
	current.OnChanged(func(ports.Port) { m.refresh() })
	m.refresh()
	return m
}

func (m *modulesStep) Content() fyne.CanvasObject { return m.box }

// every tells whether the whole tray is chosen.
func (m *modulesStep) every() bool {
	return m.Which.Selected == m.Which.Options[everyModule]
}

// targets are the port names that Start would set up, in order.
func (m *modulesStep) targets() []string {
	if !m.every() {
		if name := m.current.Name(); name != "" {
			return []string{name}
		}
		return nil
	}
	var list []ports.Port
	if m.listPorts != nil {
		list = m.listPorts()
	}
	var names []string
	for _, p := range ports.ReplPorts(list) {
		if p.IsQuectel {
			names = append(names, p.Name)
		}
	}
	return names
}

// refresh shows the ports that would be set up and revalidates the form
// (a one-device identity does not fit a tray).
func (m *modulesStep) refresh() {
	names := m.targets()
	switch {
	case len(names) > 0:
		m.PortList.Importance = widget.MediumImportance
		m.PortList.SetText(lang.L("Will set up: {{.Ports}}", map[string]any{"Ports": strings.Join(names, ", ")}))
	case m.every():
		m.PortList.Importance = widget.WarningImportance
		m.PortList.SetText(lang.L("No Quectel REPL port found: plug the modules in and look at the Ports screen"))
	default:
		m.PortList.Importance = widget.WarningImportance
		m.PortList.SetText(lang.L("No module port: choose one on the Ports screen"))
	}
	if m.changed != nil {
		m.changed()
	}
}
