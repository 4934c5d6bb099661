package registry

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"qpyhub/cloud"
	"qpyhub/cloud/hubclient"
	"qpyhub/cloud/hubsim"
)

// startFleetHub runs a hub with n devices "d000"… whose tag "even" says
// whether their number is even.
func startFleetHub(t *testing.T, n int) *hubsim.Server {
	t.Helper()
	hub := startHub(t)
	for i := range n {
		id := fmt.Sprintf("d%03d", i)
		if _, err := hub.AddDevice(id); err != nil {
			t.Fatal(err)
		}
	}
	c := newClient(t, hub, "iothubowner")
	for i := range n {
		if _, err := c.UpdateTwin(testContext(t), fmt.Sprintf("d%03d", i), nil, map[string]any{"even": i%2 == 0}); err != nil {
			t.Fatal(err)
		}
	}
	return hub
}

// answeringDevice connects a device with the product's own device client
// and answers every direct method with 200 and {"echo": payload}.
func answeringDevice(t *testing.T, hub *hubsim.Server, id string) {
	t.Helper()
	rec, ok := hub.Device(id)
	if !ok {
		t.Fatalf("no device %s", id)
	}
	s, err := hubclient.New(hubclient.Config{
		Identity:   cloud.DeviceIdentity{Host: hub.HostName(), DeviceID: id, Key: rec.PrimaryKey},
		ServerAddr: hub.MQTTAddr(), RootCAs: hubRoots(t, hub),
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(func() { cancel(); s.Close() })
	if err := s.Connect(testContext(t)); err != nil {
		t.Fatalf("device %s connect: %v", id, err)
	}
	go func() {
		for {
			select {
			case ev := <-s.Events():
				if call, ok := ev.(*hubclient.MethodCall); ok {
					answer, _ := json.Marshal(map[string]json.RawMessage{"echo": call.Payload})
					_ = s.AnswerMethod(ctx, call.RID, 200, answer)
				}
			case <-ctx.Done():
				return
			}
		}
	}()
	if err := hub.WaitConnected(testContext(t), id, true); err != nil {
		t.Fatal(err)
	}
}
