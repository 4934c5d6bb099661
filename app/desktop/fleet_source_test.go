package desktop

import (
	"context"
	"errors"
	"testing"
	"time"

	"qpyhub/cloud"
	"qpyhub/cloud/hubclient"
	"qpyhub/ui/devices"
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
	reader := fleet.(devices.TelemetryReader)
	if _, _, ok := reader.LastTelemetry(demoDevice); ok {
		t.Error("the demo device has sent no telemetry yet")
	}
	id, err := hub.identity(demoDevice)
	if err != nil {
		t.Fatal(err)
	}
	session, err := hubclient.New(hubclient.Config{Identity: id, ServerAddr: hub.srv.MQTTAddr(), RootCAs: hub.roots})
	if err != nil {
		t.Fatal(err)
	}
	defer session.Close()
	if err := session.Connect(ctx); err != nil {
		t.Fatal(err)
	}
	if err := session.SendTelemetry(ctx, []byte(`{"t":21}`), nil, hubclient.SystemProperties{}); err != nil {
		t.Fatal(err)
	}
	if _, payload, ok := reader.LastTelemetry(demoDevice); !ok || string(payload) != `{"t":21}` {
		t.Errorf("last telemetry %q %v, want the message sent", payload, ok)
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
