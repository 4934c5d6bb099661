package hubclient

import (
	"testing"

	"qpyhub/cloud/hubsim"
)

// A cloud-to-device message is acknowledged only when the reader takes it
// from Events: what the session received but nobody read stays with the
// hub, which delivers it on the device's next connection. (A session that
// acknowledged on receipt lost such messages when it ended unread, as
// `send` does, or when its reader fell behind.)
func TestC2DAcknowledgedOnlyWhenRead(t *testing.T) {
	ctx := testContext(t)
	hub := startHub(t, hubsim.Config{})
	id := addDevice(t, hub, "ack-dev")
	first := connect(ctx, t, hubConfig(t, hub, id, false))
	for _, mid := range []string{"m1", "m2", "m3"} {
		if err := hub.SendC2D("ack-dev", hubsim.C2DMessage{Payload: []byte(mid), MessageID: mid}); err != nil {
			t.Fatal(err)
		}
	}
	if m := waitEvent[*C2DMessage](ctx, t, first, nil); m.System.MessageID != "m1" {
		t.Fatalf("first message %s, want m1", m.System.MessageID)
	}
	if err := hub.WaitC2DQueue(ctx, "ack-dev", 2); err != nil {
		t.Fatal(err)
	}
	if n := hub.QueuedC2D("ack-dev"); n != 2 {
		t.Fatalf("the hub holds %d messages after one was read, want the 2 unread", n)
	}
	first.Close()

	second := connect(ctx, t, hubConfig(t, hub, id, false))
	for _, want := range []string{"m2", "m3"} {
		if m := waitEvent[*C2DMessage](ctx, t, second, nil); m.System.MessageID != want {
			t.Fatalf("next connection read %s, want %s", m.System.MessageID, want)
		}
	}
	if err := hub.WaitC2DQueue(ctx, "ack-dev", 0); err != nil {
		t.Fatal(err)
	}
}
