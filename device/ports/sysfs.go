package ports

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// SysfsInterface finds the USB interface number of tty name (e.g.
// "ttyUSB2") under a sysfs root ("/sys" on a live system): it follows
// class/tty/<name>/device and walks up to the directory that holds
// bInterfaceNumber. It also returns the USB device directory above the
// interface, which identifies the physical module. -1 when not USB.
func SysfsInterface(root, name string) (iface int, device string) {
	if name == "" || strings.ContainsAny(name, `/\`) || name == "." || name == ".." {
		return -1, ""
	}
	dir, err := filepath.EvalSymlinks(filepath.Join(root, "class", "tty", name, "device"))
	if err != nil {
		return -1, ""
	}
	// cdc-acm: device is the interface; usb-serial: one level below it.
	for i := 0; i < 3; i++ {
		b, err := os.ReadFile(filepath.Join(dir, "bInterfaceNumber"))
		if err == nil {
			n, err := strconv.ParseUint(strings.TrimSpace(string(b)), 16, 8)
			if err != nil {
				return -1, ""
			}
			return int(n), filepath.Dir(dir)
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			break
		}
		dir = parent
	}
	return -1, ""
}
