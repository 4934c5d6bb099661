// Package ports lists the serial ports with their USB identity, recognises
// Quectel modules (USB vendor 0x2C7C) and points at the port that carries
// the QuecPython REPL. It must never import Fyne nor the cloud packages.
package ports

// Role is what a module's serial interface is for.
type Role string

const (
	RoleREPL    Role = "repl"
	RoleAT      Role = "at"
	RoleDiag    Role = "diag"
	RoleNMEA    Role = "nmea"
	RoleUnknown Role = "unknown"
)

// Label is the role in one English word, the same on the command line and
// in the window; callers translate it (the words are in Labels).
func (r Role) Label() string {
	switch r {
	case RoleREPL:
		return "REPL"
	case RoleAT:
		return "AT"
	case RoleDiag:
		return "diagnostics"
	case RoleNMEA:
		return "NMEA"
	}
	return "unknown"
}

// Labels lists every word Label answers, so a user interface can check
// that it translates them all.
func Labels() []string {
	var out []string
	for _, r := range []Role{RoleREPL, RoleAT, RoleDiag, RoleNMEA, RoleUnknown} {
		out = append(out, r.Label())
	}
	return out
}

// QuectelVID is the USB vendor id of Quectel modules.
const QuectelVID = 0x2C7C

// Port is one serial port and what is known about the USB device behind it.
type Port struct {
	Name         string // "/dev/ttyUSB2", "COM5"
	VID, PID     uint16 // 0 when not a USB port
	Serial       string
	Product      string // USB product string; on Windows the device's friendly name
	Manufacturer string
	// Interface is the USB interface number, -1 when unknown.
	Interface int
	Role      Role
	// Model names the module family when the product id is known,
	// e.g. "EC600N/EC800N".
	Model     string
	IsQuectel bool
	// Location identifies the physical USB device the port belongs to
	// (sysfs device path, Windows container id); empty when unknown.
	Location string
}

// Error is a failure to list ports, with what to do about it. Message and
// Advice are constant English phrases.
type Error struct {
	Message string
	Advice  string
	Err     error
}

func (e *Error) Error() string {
	s := "ports: " + e.Message
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	if e.Advice != "" {
		s += "; " + e.Advice
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }
