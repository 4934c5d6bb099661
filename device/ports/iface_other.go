//go:build !linux && !windows

package ports

// interfaceLookup knows no interface numbers on this system; roles then
// come from the port names alone.
func interfaceLookup() func(name string) usbInterface {
	return func(string) usbInterface { return usbInterface{number: -1} }
}
