package ports

import (
	"strings"
	"testing"
)

// The command line and the window show the same one word per role; a
// role the list does not know reads "unknown", never "".
func TestRoleLabel(t *testing.T) {
	tests := map[Role]string{
		RoleREPL: "REPL", RoleAT: "AT", RoleDiag: "diagnostics", RoleNMEA: "NMEA",
		RoleUnknown: "unknown", Role(""): "unknown", Role("modem"): "unknown",
	}
	for r, want := range tests {
		if got := r.Label(); got != want {
			t.Errorf("Role(%q).Label() = %q, want %q", r, got, want)
		}
	}
	seen := map[string]bool{}
	for _, l := range Labels() {
		if l == "" || strings.Contains(l, " ") || seen[l] {
			t.Errorf("label %q is empty, not one word, or listed twice", l)
		}
		seen[l] = true
	}
	if len(seen) != 5 {
		t.Errorf("Labels() = %v, want the five roles' words", Labels())
	}
}
