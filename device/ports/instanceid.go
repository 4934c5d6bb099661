package ports

import (
	"strconv"
	"strings"
)

// ParseHardwareID reads a Windows USB hardware key such as
// "VID_2C7C&PID_6001&MI_05" (the part after `Enum\USB\` in the registry,
// or the middle of a device instance id "USB\VID_2C7C&PID_6001&MI_05\6&…").
// iface is -1 when the key names the whole device rather than one
// interface; ok is false when there is no VID and PID.
func ParseHardwareID(key string) (vid, pid uint16, iface int, ok bool) {
	key = strings.ToUpper(strings.TrimSpace(key))
	key = strings.TrimPrefix(key, `USB\`)
	if i := strings.IndexByte(key, '\\'); i >= 0 {
		key = key[:i]
	}
	iface = -1
	var haveVID, havePID bool
	for _, part := range strings.Split(key, "&") {
		name, val, found := strings.Cut(part, "_")
		if !found {
			continue
		}
		switch name {
		case "VID":
			n, err := strconv.ParseUint(val, 16, 16)
			vid, haveVID = uint16(n), err == nil && len(val) == 4
		case "PID":
			n, err := strconv.ParseUint(val, 16, 16)
			pid, havePID = uint16(n), err == nil && len(val) == 4
		case "MI":
			if n, err := strconv.ParseUint(val, 16, 8); err == nil && len(val) == 2 {
				iface = int(n)
			}
		}
	}
	if !haveVID || !havePID {
		return 0, 0, -1, false
	}
	return vid, pid, iface, true
}
