package ports

import (
	"strconv"
	"strings"
)

// model is one Quectel product id: the module family and the role of each
// USB interface (PROTOCOLS.md §6).
type model struct {
	pid    uint16
	name   string
	ifaces map[int]Role
}

// quectelModels returns the known QuecPython product ids.
func quectelModels() []model {
	return []model{
		{0x0901, "EC600U/EC200U/EG915U/EG912U", map[int]Role{8: RoleREPL, 2: RoleAT}},
		{0x6001, "EC600N/EC800N", map[int]Role{5: RoleREPL, 3: RoleAT, 2: RoleDiag}},
		{0x6002, "EC600M/EC800M", map[int]Role{5: RoleREPL}},
		{0x6005, "EC200A", map[int]Role{5: RoleREPL}},
		{0x0903, "EC600E/EC800E", map[int]Role{5: RoleREPL}},
		{0x0700, "BG95", map[int]Role{1: RoleREPL}},
	}
}

func findModel(pid uint16) (model, bool) {
	for _, m := range quectelModels() {
		if m.pid == pid {
			return m, true
		}
	}
	return model{}, false
}

// Classify fills in IsQuectel, Model and Role from the USB identity, the
// interface number, and — when the interface is unknown — the Windows
// friendly name.
func Classify(p Port) Port {
	p.Role = RoleUnknown
	p.IsQuectel = p.VID == QuectelVID
	if !p.IsQuectel {
		return p
	}
	m, known := findModel(p.PID)
	if known {
		p.Model = m.name
	}
	if p.Interface < 0 {
		p.Interface = interfaceFromName(p.Product)
	}
	if r, ok := m.ifaces[p.Interface]; ok {
		p.Role = r
		return p
	}
	if p.Interface < 0 {
		p.Role = roleFromName(p.Product, p.PID)
	}
	return p
}

// interfaceFromName reads "MI05" in names like "Quectel USB MI05 COM Port".
func interfaceFromName(name string) int {
	for _, word := range strings.Fields(strings.ToUpper(name)) {
		if len(word) == 4 && strings.HasPrefix(word, "MI") {
			if n, err := strconv.ParseUint(word[2:], 10, 8); err == nil {
				return int(n)
			}
		}
	}
	return -1
}

// roleFromName reads the role from Quectel's Windows driver names.
func roleFromName(name string, pid uint16) Role {
	n := strings.ToUpper(name)
	switch {
	case strings.Contains(n, "REPL"):
		return RoleREPL
	case strings.Contains(n, "NMEA"):
		// BG95's REPL sits on interface 1, which the driver calls NMEA.
		if pid == 0x0700 {
			return RoleREPL
		}
		return RoleNMEA
	case strings.Contains(n, "AT PORT"):
		return RoleAT
	case strings.Contains(n, "DM PORT"), strings.Contains(n, "DIAG"):
		return RoleDiag
	}
	return RoleUnknown
}
