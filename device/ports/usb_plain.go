//go:build !linux && !windows && !(darwin && cgo)

package ports

import "go.bug.st/serial"

// usbPorts lists port names only: this build has no USB enumerator
// (macOS needs cgo for it).
func usbPorts() ([]Port, error) {
	names, err := serial.GetPortsList()
	if err != nil {
		return nil, err
	}
	ports := make([]Port, 0, len(names))
	for _, n := range names {
		ports = append(ports, Port{Name: n, Interface: -1, Role: RoleUnknown})
	}
	return ports, nil
}
