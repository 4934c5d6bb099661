package widgets

import "qpyhub/device/ports"

// roleLabels are the short names the Ports screen gives a port's role.
var roleLabels = map[ports.Role]string{
	ports.RoleREPL: "REPL",
	ports.RoleAT:   "AT",
	ports.RoleDiag: "DIAG",
	ports.RoleNMEA: "NMEA",
}

// RoleLabel is the one place the window names a port's role; "" for a
// port of no known role.
func RoleLabel(r ports.Role) string { return roleLabels[r] }
