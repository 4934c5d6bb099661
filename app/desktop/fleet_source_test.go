package desktop

import (
	"context"
	"errors"
	"testing"
	"time"

	"qpyhub/cloud"
)

// TestFleetSourceReachesTheLocalHub lists the local hub's devices the way
// the Devices screen does, and refuses a device string for Azure.
func TestFleetSourceReachesTheLocalHub(t *testing.T) {
	hub, err := startLocalHub(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(hub.Close)
	fleet, err := fleetSource{local: hub}.Local()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	twins, next, err := fleet.Query(ctx, "", 0, "")
	if err != nil || next != "" || len(twins) != 1 || twins[0].DeviceID != demoDevice {
		t.Fatalf("local hub devices %v next %q: %v; want the demo device", twins, next, err)
	}
	if _, err := (fleetSource{}).Local(); !errors.Is(err, errNoLocalHub) {
		t.Errorf("no local hub: %v", err)
	}
	deviceString := "HostName=h.azure-devices.net;DeviceId=d;SharedAccessKey=" + "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="
	var fe *cloud.FieldError
	if _, err := (fleetSource{}).Open(deviceString); !errors.As(err, &fe) {
		t.Errorf("a device string: %v, want a field error", err)
	}
}
