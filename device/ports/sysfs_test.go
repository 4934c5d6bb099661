//go:build !windows

package ports

import (
	"os"
	"path/filepath"
	"testing"
)

// sysfsTree builds a sysfs-like tree: two ports of one Quectel module, an
// option (usb-serial) port on interface 5 and a cdc-acm port on interface
// 3, plus a non-USB UART.
func sysfsTree(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	dev := filepath.Join(root, "devices", "pci0000:00", "usb1", "1-1")
	files := map[string]string{
		"devices/pci0000:00/usb1/1-1/idVendor":                  "2c7c\n",
		"devices/pci0000:00/usb1/1-1/1-1:1.5/bInterfaceNumber":  "05\n",
		"devices/pci0000:00/usb1/1-1/1-1:1.5/ttyUSB2/.keep":     "",
		"devices/pci0000:00/usb1/1-1/1-1:1.3/bInterfaceNumber":  "03\n",
		"devices/pci0000:00/usb1/1-1/1-1:1.12/bInterfaceNumber": "0c\n",
		"devices/pci0000:00/usb1/1-1/1-1:1.12/ttyUSB9/.keep":    "",
		"devices/platform/serial8250/tty/ttyS0/.keep":           "",
		"devices/pci0000:00/usb1/1-1/1-1:1.7/bInterfaceNumber":  "zz\n",
		"devices/pci0000:00/usb1/1-1/1-1:1.7/ttyUSB7/.keep":     "",
	}
	for name, body := range files {
		p := filepath.Join(root, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	links := map[string]string{
		"ttyUSB2": filepath.Join(dev, "1-1:1.5", "ttyUSB2"),
		"ttyACM0": filepath.Join(dev, "1-1:1.3"),
		"ttyUSB9": filepath.Join(dev, "1-1:1.12", "ttyUSB9"),
		"ttyUSB7": filepath.Join(dev, "1-1:1.7", "ttyUSB7"),
		"ttyS0":   filepath.Join(root, "devices", "platform", "serial8250"),
	}
	for name, target := range links {
		d := filepath.Join(root, "class", "tty", name)
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(target, filepath.Join(d, "device")); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

func TestSysfsInterface(t *testing.T) {
	root := sysfsTree(t)
	dev, err := filepath.EvalSymlinks(filepath.Join(root, "devices", "pci0000:00", "usb1", "1-1"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		iface  int
		device string
	}{
		{"ttyUSB2", 5, dev},
		{"ttyACM0", 3, dev},
		{"ttyUSB9", 12, dev},
		{"ttyUSB7", -1, ""},
		{"ttyS0", -1, ""},
		{"ttyUSB4", -1, ""},
		{"../class", -1, ""},
		{"", -1, ""},
	}
	for _, tc := range tests {
		iface, device := SysfsInterface(root, tc.name)
		if iface != tc.iface || device != tc.device {
			t.Errorf("SysfsInterface(%q) = %d %q, want %d %q", tc.name, iface, device, tc.iface, tc.device)
		}
	}
}
