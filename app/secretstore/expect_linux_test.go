//go:build linux

package secretstore

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/godbus/dbus/v5"
)

// expectStore says, without go-keyring, whether this machine has a
// Secret Service: a session bus, and on it a name org.freedesktop.secrets
// that is owned or can be started.
func expectStore(t *testing.T) (bool, string) {
	t.Helper()
	if os.Getenv("DBUS_SESSION_BUS_ADDRESS") == "" {
		if _, err := os.Stat(filepath.Join(os.Getenv("XDG_RUNTIME_DIR"), "bus")); os.Getenv("XDG_RUNTIME_DIR") == "" || err != nil {
			return false, "there is no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS unset, no $XDG_RUNTIME_DIR/bus)"
		}
	}
	conn, err := dbus.ConnectSessionBus()
	if err != nil {
		return false, "the session bus does not answer: " + err.Error()
	}
	defer conn.Close()
	const name = "org.freedesktop.secrets"
	var owned bool
	if err := conn.BusObject().Call("org.freedesktop.DBus.NameHasOwner", 0, name).Store(&owned); err == nil && owned {
		return true, "a Secret Service runs on the session bus"
	}
	var activatable []string
	if err := conn.BusObject().Call("org.freedesktop.DBus.ListActivatableNames", 0).Store(&activatable); err == nil {
		for _, n := range activatable {
			if n == name {
				return true, "the session bus can start a Secret Service"
			}
		}
	}
	return false, "the session bus has no Secret Service"
}
