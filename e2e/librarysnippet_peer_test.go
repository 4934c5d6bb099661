//go:build linux

package e2e

import (
	"context"
	"testing"

	"qpyhub/cloud/hubsim"
	"qpyhub/device/moduleapp"
)

// The Credentials screen's library snippet, written as /usr/main.py
// beside the library and a config as the setup writes them, comes online
// on the test peer and its message reaches the local hub.
func TestLibrarySnippetOnTheLocalHub(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), netTimeout)
	defer cancel()
	hub, dev := startProgramHub(t, ctx, hubsim.Config{})
	snippet := moduleapp.LibrarySnippet(hub.HostName(), dev.DeviceID)
	r := startApp(t, ctx, []byte(snippet), programConfig(t, hub, dev, string(hub.CAPEM()), nil))
	r.online(t)
	m, err := hub.WaitTelemetry(ctx, deviceID, func(m hubsim.TelemetryMessage) bool { return m.Properties["kind"] == "hello" })
	if err != nil {
		t.Fatalf("the snippet's message did not arrive: %v\n%s", err, r.text())
	}
	if string(m.Payload) != `{"hello": "world"}` && string(m.Payload) != `{"hello":"world"}` {
		t.Errorf("message %s", m.Payload)
	}
}
