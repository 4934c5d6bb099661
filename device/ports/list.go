package ports

import (
	"slices"
	"strings"
)

// usbInterface is where a port sits on its USB device.
type usbInterface struct {
	number   int    // -1 unknown
	location string // the physical device; empty when unknown
}

// List returns the serial ports sorted by name, with USB identity,
// interface number, role and model.
func List() ([]Port, error) {
	found, err := usbPorts()
	if err != nil {
		return nil, &Error{Message: PhraseCannotList, NextStep: AdviceCannotList, Err: err}
	}
	lookup := interfaceLookup()
	ports := make([]Port, 0, len(found))
	for _, p := range found {
		if p.VID != 0 {
			u := lookup(p.Name)
			p.Interface, p.Location = u.number, u.location
		}
		ports = append(ports, Classify(p))
	}
	slices.SortFunc(ports, func(a, b Port) int { return strings.Compare(a.Name, b.Name) })
	return ports, nil
}
