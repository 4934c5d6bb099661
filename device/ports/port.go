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

// Phrases of a failure to list the ports.
const (
	PhraseCannotList = "Could not list the serial ports"
	AdviceCannotList = "Check that this user may open serial devices, then try again"
)

// Phrases lists every constant English sentence of this package's errors,
// so a user interface can check that it translates them all.
func Phrases() []string { return []string{PhraseCannotList, AdviceCannotList} }

// Error is a failure to list ports, with what to do about it. Message and
// NextStep are constant English phrases.
type Error struct {
	Message  string
	NextStep string
	Err      error
}

// Phrase is what happened, a constant English sentence.
func (e *Error) Phrase() string { return e.Message }

// Advice is the next step, a constant English sentence.
func (e *Error) Advice() string { return e.NextStep }

func (e *Error) Error() string {
	s := e.Message
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	if e.NextStep != "" {
		s += "; " + e.NextStep
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }
