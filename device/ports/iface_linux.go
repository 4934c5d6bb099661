package ports

import "path/filepath"

// interfaceLookup reads interface numbers from sysfs; ttyUSB numbers are
// not stable, the interface number is.
func interfaceLookup() func(name string) usbInterface {
	return func(name string) usbInterface {
		n, dev := SysfsInterface("/sys", filepath.Base(name))
		return usbInterface{number: n, location: dev}
	}
}
