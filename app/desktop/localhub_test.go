package desktop

import (
	"context"
	"crypto/tls"
	"os"
	"testing"
	"time"

	"qpyhub/cloud/hubclient"
	"qpyhub/ui/console"
)

// TestLocalHubDeliversC2DToARealSession starts the local hub as the window
// does, connects a real hubclient session through the console's factory
// (paho over TLS to the real broker) and receives a cloud-to-device
// message sent through the hub's cloud-side API.
func TestLocalHubDeliversC2DToARealSession(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	dir := t.TempDir()
	hub, err := startLocalHub(ctx, dir)
	if err != nil {
		t.Fatalf("startLocalHub: %v", err)
	}
	defer hub.Close()
	if got := hub.Devices(); len(got) != 1 || got[0] != demoDevice {
		t.Fatalf("devices = %v, want [%s]", got, demoDevice)
	}
	if info, err := os.Stat(localHubRegistry(dir)); err != nil || info.Mode().Perm()&0o077 != 0 {
		t.Fatalf("registry file: %v (mode %v); it holds keys and must be private", err, info)
	}

	session, err := sessionFactory{local: hub}.NewSession(console.SessionTarget{LocalDevice: demoDevice})
	if err != nil {
		t.Fatalf("NewSession: %v", err)
	}
	defer session.Close()
	if err := session.Connect(ctx); err != nil {
		t.Fatalf("Connect: %v", err)
	}
	if err := hub.SendC2D(demoDevice, console.CloudMessage{Payload: []byte(`{"blink":3}`), Properties: map[string]string{"priority": "high"}}); err != nil {
		t.Fatalf("SendC2D: %v", err)
	}
	for {
		select {
		case ev, ok := <-session.Events():
			if !ok {
				t.Fatal("the session ended before the message arrived")
			}
			msg, isC2D := ev.(*hubclient.C2DMessage)
			if !isC2D {
				continue
			}
			if v, _ := msg.Properties.Get("priority"); v != "high" || string(msg.Payload) != `{"blink":3}` {
				t.Fatalf("message = %q with priority %q", msg.Payload, v)
			}
			return
		case <-ctx.Done():
			t.Fatal("no C2D message arrived")
		}
	}
}

// TestLocalHubKeepsItsDevices checks that the registry survives a restart
// and that a taken port does not stop the hub.
func TestLocalHubKeepsItsDevices(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	first, err := startLocalHub(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := first.AddDevice("tray-01"); err != nil {
		t.Fatal(err)
	}
	want, err := first.DeviceConnectionString("tray-01")
	if err != nil {
		t.Fatal(err)
	}
	// The second hub starts while the first still holds its ports.
	second, err := startLocalHub(ctx, dir)
	if err != nil {
		t.Fatalf("second start with ports taken: %v", err)
	}
	defer second.Close()
	first.Close()
	if second.Address() == first.Address() {
		t.Errorf("both hubs report %s", second.Address())
	}
	got, err := second.DeviceConnectionString("tray-01")
	if err != nil || got != want {
		t.Errorf("tray-01 after restart: err %v, same key %v", err, got == want)
	}
	if n := len(second.Devices()); n != 2 {
		t.Errorf("%d devices after restart, want demo-device and tray-01", n)
	}
	// A module set up against the first run still trusts the second.
	c, err := tls.Dial("tcp", second.Address(), &tls.Config{RootCAs: first.roots, ServerName: "localhost", MinVersion: tls.VersionTLS12})
	if err != nil {
		t.Fatalf("the restarted hub's certificate does not verify against the first run's CA: %v", err)
	}
	c.Close()
}
