package ports

import "strconv"

// ReplPorts returns one REPL port per module, in the order given. Ports
// of one module share a Location; without one, VID, PID and serial number
// stand in for it.
func ReplPorts(ports []Port) []Port {
	seen := map[string]bool{}
	var out []Port
	for _, p := range ports {
		if p.Role != RoleREPL {
			continue
		}
		key := p.Location
		if key == "" {
			key = strconv.Itoa(int(p.VID)) + ":" + strconv.Itoa(int(p.PID)) + ":" + p.Serial + ":" + p.Name
			if p.Serial != "" {
				key = strconv.Itoa(int(p.VID)) + ":" + strconv.Itoa(int(p.PID)) + ":" + p.Serial
			}
		}
		if seen[key] {
			continue
		}
		seen[key] = true
		out = append(out, p)
	}
	return out
}
