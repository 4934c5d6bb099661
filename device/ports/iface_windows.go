package ports

import (
	"strings"

	"golang.org/x/sys/windows/registry"
)

// usbEnumKey holds one subkey per USB device or interface, named by its
// hardware id ("VID_2C7C&PID_6001&MI_05"); each instance below it has
// "Device Parameters\PortName" when it is a serial port.
const usbEnumKey = `SYSTEM\CurrentControlSet\Enum\USB`

// interfaceLookup maps COM port names to USB interfaces, read once from
// the registry.
func interfaceLookup() func(name string) usbInterface {
	found := map[string]usbInterface{}
	root, err := registry.OpenKey(registry.LOCAL_MACHINE, usbEnumKey, registry.ENUMERATE_SUB_KEYS)
	if err == nil {
		defer root.Close()
		hwids, _ := root.ReadSubKeyNames(-1)
		for _, hwid := range hwids {
			if _, _, iface, ok := ParseHardwareID(hwid); ok && iface >= 0 {
				readInstances(root, hwid, iface, found)
			}
		}
	}
	return func(name string) usbInterface {
		if u, ok := found[strings.ToUpper(name)]; ok {
			return u
		}
		return usbInterface{number: -1}
	}
}

func readInstances(root registry.Key, hwid string, iface int, found map[string]usbInterface) {
	k, err := registry.OpenKey(root, hwid, registry.ENUMERATE_SUB_KEYS)
	if err != nil {
		return
	}
	defer k.Close()
	instances, _ := k.ReadSubKeyNames(-1)
	for _, inst := range instances {
		ik, err := registry.OpenKey(k, inst, registry.QUERY_VALUE)
		if err != nil {
			continue
		}
		// All interfaces of one physical device share its ContainerID.
		container, _, _ := ik.GetStringValue("ContainerID")
		ik.Close()
		pk, err := registry.OpenKey(k, inst+`\Device Parameters`, registry.QUERY_VALUE)
		if err != nil {
			continue
		}
		portName, _, err := pk.GetStringValue("PortName")
		pk.Close()
		if err == nil && portName != "" {
			found[strings.ToUpper(portName)] = usbInterface{number: iface, location: container}
		}
	}
}
