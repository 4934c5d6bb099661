//go:build linux || windows || (darwin && cgo)

package ports

import (
	"strconv"
	"strings"

	"go.bug.st/serial/enumerator"
)

// usbPorts lists the ports with the USB identity the enumerator knows.
func usbPorts() ([]Port, error) {
	details, err := enumerator.GetDetailedPortsList()
	if err != nil {
		return nil, err
	}
	ports := make([]Port, 0, len(details))
	for _, d := range details {
		if d == nil || d.Name == "" {
			continue
		}
		ports = append(ports, fromDetails(d))
	}
	return ports, nil
}

func fromDetails(d *enumerator.PortDetails) Port {
	p := Port{Name: d.Name, Interface: -1, Role: RoleUnknown}
	if !d.IsUSB {
		return p
	}
	p.VID = parseHex16(d.VID)
	p.PID = parseHex16(d.PID)
	p.Serial = d.SerialNumber
	p.Product = d.Product
	p.Manufacturer = d.Manufacturer
	return p
}

func parseHex16(s string) uint16 {
	n, err := strconv.ParseUint(strings.TrimPrefix(strings.ToLower(s), "0x"), 16, 16)
	if err != nil {
		return 0
	}
	return uint16(n)
}
