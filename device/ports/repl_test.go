package ports

import (
	"slices"
	"testing"
)

func TestReplPorts(t *testing.T) {
	repl := func(name, loc, serial string) Port {
		return Port{Name: name, VID: QuectelVID, PID: 0x6001, Role: RoleREPL, Location: loc, Serial: serial}
	}
	at := Port{Name: "/dev/ttyUSB1", VID: QuectelVID, PID: 0x6001, Role: RoleAT, Location: "1-1"}
	tests := []struct {
		name string
		in   []Port
		want []string
	}{
		{"none", nil, nil},
		{"AT only", []Port{at}, nil},
		{"one module", []Port{at, repl("/dev/ttyUSB2", "1-1", "")}, []string{"/dev/ttyUSB2"}},
		{"two modules", []Port{repl("/dev/ttyUSB2", "1-1", ""), repl("/dev/ttyUSB7", "1-2", "")}, []string{"/dev/ttyUSB2", "/dev/ttyUSB7"}},
		{"same module twice", []Port{repl("COM5", "{c1}", ""), repl("COM6", "{c1}", "")}, []string{"COM5"}},
		{"no location, same serial", []Port{repl("COM5", "", "ABC"), repl("COM6", "", "ABC")}, []string{"COM5"}},
		{"no location, no serial", []Port{repl("COM5", "", ""), repl("COM6", "", "")}, []string{"COM5", "COM6"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, p := range ReplPorts(tc.in) {
				got = append(got, p.Name)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("ReplPorts = %v, want %v", got, tc.want)
			}
		})
	}
}
