package widgets

import (
	"fyne.io/fyne/v2/lang"

	"qpyhub/device/ports"
)

// RoleLabel is a port's role as the window shows it: the word the command
// line prints too (ports.Role.Label), translated.
func RoleLabel(r ports.Role) string { return lang.L(r.Label()) }
