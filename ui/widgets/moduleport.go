package widgets

import (
	"errors"

	"qpyhub/device/ports"
)

// ModulePort is the port the Module, Terminal and Setup screens work on:
// the one chosen on the Ports screen. It is used from the UI goroutine
// only.
type ModulePort struct {
	port      ports.Port
	listeners []func(ports.Port)
}

// NewModulePort starts with no port chosen.
func NewModulePort() *ModulePort { return &ModulePort{} }

// Port is the chosen port; its Name is "" when none is (or it went away).
func (m *ModulePort) Port() ports.Port { return m.port }

// Name is the chosen port's name, "" when none.
func (m *ModulePort) Name() string { return m.port.Name }

// Set chooses p (a zero Port clears the choice) and tells the listeners
// when it changed.
func (m *ModulePort) Set(p ports.Port) {
	if m.port == p {
		return
	}
	m.port = p
	for _, l := range m.listeners {
		l(p)
	}
}

// OnChanged registers f to run whenever the chosen port changes.
func (m *ModulePort) OnChanged(f func(ports.Port)) {
	m.listeners = append(m.listeners, f)
}

// DescribePort names a port for a status line: "/dev/ttyUSB2 (EC600N/EC800N)".
func DescribePort(p ports.Port) string {
	if p.Model == "" {
		return p.Name
	}
	return p.Name + " (" + p.Model + ")"
}

// Errors the module services answer when there is no port or it is
// taken; Explain words them with what to do.
var (
	ErrTerminalHoldsPort = errors.New("the terminal is using this port: disconnect it first")
	ErrPortBusy          = errors.New("another operation is using this port: wait until it finishes")
	ErrNoModulePort      = errors.New("no module port is selected")
)
