package ports

import "testing"

func TestClassify(t *testing.T) {
	tests := []struct {
		name      string
		in        Port
		role      Role
		model     string
		iface     int
		isQuectel bool
	}{
		{"EC600N REPL", Port{VID: 0x2C7C, PID: 0x6001, Interface: 5}, RoleREPL, "EC600N/EC800N", 5, true},
		{"EC600N AT", Port{VID: 0x2C7C, PID: 0x6001, Interface: 3}, RoleAT, "EC600N/EC800N", 3, true},
		{"EC600N DIAG", Port{VID: 0x2C7C, PID: 0x6001, Interface: 2}, RoleDiag, "EC600N/EC800N", 2, true},
		{"EC600N other", Port{VID: 0x2C7C, PID: 0x6001, Interface: 4}, RoleUnknown, "EC600N/EC800N", 4, true},
		{"EC600U REPL", Port{VID: 0x2C7C, PID: 0x0901, Interface: 8}, RoleREPL, "EC600U/EC200U/EG915U/EG912U", 8, true},
		{"EC600U AT", Port{VID: 0x2C7C, PID: 0x0901, Interface: 2}, RoleAT, "EC600U/EC200U/EG915U/EG912U", 2, true},
		{"EC600M REPL", Port{VID: 0x2C7C, PID: 0x6002, Interface: 5}, RoleREPL, "EC600M/EC800M", 5, true},
		{"EC200A REPL", Port{VID: 0x2C7C, PID: 0x6005, Interface: 5}, RoleREPL, "EC200A", 5, true},
		{"EC600E REPL", Port{VID: 0x2C7C, PID: 0x0903, Interface: 5}, RoleREPL, "EC600E/EC800E", 5, true},
		{"BG95 REPL", Port{VID: 0x2C7C, PID: 0x0700, Interface: 1}, RoleREPL, "BG95", 1, true},
		{"unknown Quectel pid", Port{VID: 0x2C7C, PID: 0x0125, Interface: 5}, RoleUnknown, "", 5, true},
		{"other vendor", Port{VID: 0x0403, PID: 0x6001, Interface: 5}, RoleUnknown, "", 5, false},
		{"Windows REPL name", Port{VID: 0x2C7C, PID: 0x6001, Interface: -1, Product: "Quectel USB REPL Port (COM7)"}, RoleREPL, "EC600N/EC800N", -1, true},
		{"Windows MI05 name", Port{VID: 0x2C7C, PID: 0x6002, Interface: -1, Product: "Quectel USB MI05 COM Port (COM9)"}, RoleREPL, "EC600M/EC800M", 5, true},
		{"Windows BG95 NMEA name", Port{VID: 0x2C7C, PID: 0x0700, Interface: -1, Product: "Quectel USB NMEA Port (COM4)"}, RoleREPL, "BG95", -1, true},
		{"Windows NMEA elsewhere", Port{VID: 0x2C7C, PID: 0x0125, Interface: -1, Product: "Quectel USB NMEA Port (COM4)"}, RoleNMEA, "", -1, true},
		{"Windows AT name", Port{VID: 0x2C7C, PID: 0x0901, Interface: -1, Product: "Quectel USB AT Port (COM3)"}, RoleAT, "EC600U/EC200U/EG915U/EG912U", -1, true},
		{"Windows DM name", Port{VID: 0x2C7C, PID: 0x0125, Interface: -1, Product: "Quectel USB DM Port (COM2)"}, RoleDiag, "", -1, true},
		{"generic CDC name", Port{VID: 0x2C7C, PID: 0x6001, Interface: -1, Product: "USB Serial Device (COM5)"}, RoleUnknown, "EC600N/EC800N", -1, true},
		{"not USB", Port{Name: "/dev/ttyS0", Interface: -1}, RoleUnknown, "", -1, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := Classify(tc.in)
			if got.Role != tc.role || got.Model != tc.model || got.Interface != tc.iface || got.IsQuectel != tc.isQuectel {
				t.Errorf("Classify = role %q model %q iface %d quectel %v, want %q %q %d %v",
					got.Role, got.Model, got.Interface, got.IsQuectel, tc.role, tc.model, tc.iface, tc.isQuectel)
			}
		})
	}
}

func TestParseHardwareID(t *testing.T) {
	tests := []struct {
		key      string
		vid, pid uint16
		iface    int
		ok       bool
	}{
		{`VID_2C7C&PID_6001&MI_05`, 0x2C7C, 0x6001, 5, true},
		{`USB\VID_2C7C&PID_0901&MI_08\6&1a2b3c4d&0&0008`, 0x2C7C, 0x0901, 8, true},
		{`vid_2c7c&pid_0700&mi_01`, 0x2C7C, 0x0700, 1, true},
		{`VID_2C7C&PID_6001&MI_0A`, 0x2C7C, 0x6001, 10, true},
		{`VID_2C7C&PID_6001`, 0x2C7C, 0x6001, -1, true},
		{`VID_2C7C&PID_6001&MI_5`, 0x2C7C, 0x6001, -1, true},
		{`VID_2C7C`, 0, 0, -1, false},
		{`ROOT_HUB30`, 0, 0, -1, false},
		{`VID_ZZZZ&PID_6001&MI_05`, 0, 0, -1, false},
		{``, 0, 0, -1, false},
	}
	for _, tc := range tests {
		vid, pid, iface, ok := ParseHardwareID(tc.key)
		if vid != tc.vid || pid != tc.pid || iface != tc.iface || ok != tc.ok {
			t.Errorf("ParseHardwareID(%q) = %04x %04x %d %v, want %04x %04x %d %v",
				tc.key, vid, pid, iface, ok, tc.vid, tc.pid, tc.iface, tc.ok)
		}
	}
}
