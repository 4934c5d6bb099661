package hubclient

import (
	"context"
	"errors"
	"testing"

	"qpyhub/cloud/hubsim"
)

// sessionEvent is one event of one of several sessions read together.
type sessionEvent struct {
	who int
	ev  Event
	end bool // the session's events are over
}

// readAll merges the events of sessions into one channel until ctx ends.
func readAll(ctx context.Context, sessions ...*Session) <-chan sessionEvent {
	out := make(chan sessionEvent)
	for i, s := range sessions {
		go func() {
			for ev := range s.Events() {
				select {
				case out <- sessionEvent{who: i, ev: ev}:
				case <-ctx.Done():
					return
				}
			}
			select {
			case out <- sessionEvent{who: i, end: true}:
			case <-ctx.Done():
			}
		}()
	}
	return out
}

// Two sessions of one device take it from each other, as IoT Hub allows
// one connection per device. One of them gives up with the displacement
// reason after a few exchanges; the other keeps the device.
func TestSessionDisplacedByAnotherConnection(t *testing.T) {
	ctx := testContext(t)
	hub := startHub(t, hubsim.Config{})
	id := addDevice(t, hub, "shared-dev")
	first := connect(ctx, t, hubConfig(t, hub, id, false))
	waitEvent(ctx, t, first, stateIs(StateConnected, ""))
	second := connect(ctx, t, hubConfig(t, hub, id, false))
	sessions := []*Session{first, second}

	kicks := 0
	loser := -1
	var final *ConnectionState
	last := make([]State, len(sessions)) // the latest state each reported
	events := readAll(ctx, sessions...)
	for loser < 0 {
		select {
		case e := <-events:
			if e.end {
				loser = e.who
				break
			}
			if cs, ok := e.ev.(*ConnectionState); ok {
				last[e.who] = cs.State
				switch {
				case cs.State == StateReconnecting && cs.Reason == ReasonClosedByHub:
					kicks++
				case cs.State == StateDisconnected || cs.State == StateExpired:
					final = cs
				}
			}
		case <-ctx.Done():
			t.Fatalf("after %d kicks neither session gave up", kicks)
		}
	}
	if final == nil || final.State != StateDisconnected || final.Reason != ReasonDisplaced {
		t.Fatalf("session %d ended with %+v, want disconnected: %q", loser, final, ReasonDisplaced)
	}
	if kicks > 4 {
		t.Errorf("%d kicks before one session gave up, want at most 4", kicks)
	}
	var ended *EndedError
	err := sessions[loser].SendTelemetry(ctx, []byte("x"), nil, SystemProperties{})
	if !errors.As(err, &ended) || ended.Reason != ReasonDisplaced || !errors.Is(err, ErrClosed) {
		t.Errorf("SendTelemetry on the session that gave up = %v, want an EndedError with the reason", err)
	}
	winner := sessions[1-loser]
	if err := hub.SendC2D("shared-dev", hubsim.C2DMessage{Payload: []byte("still here"), MessageID: "after"}); err != nil {
		t.Fatal(err)
	}
	// Read until the message arrived and the session said it is connected
	// (a message may arrive while it still subscribes).
	for got := false; !got || last[1-loser] != StateConnected; {
		var e sessionEvent
		select {
		case e = <-events:
		case <-ctx.Done():
			t.Fatalf("the message did not arrive (last state %s)", last[1-loser])
		}
		if e.who != 1-loser {
			continue
		}
		switch ev := e.ev.(type) {
		case nil:
			t.Fatal("the session that kept the device ended too")
		case *ConnectionState:
			last[1-loser] = ev.State
		case *C2DMessage:
			got = got || ev.System.MessageID == "after"
		}
	}
	if !winner.Connected() || !hub.Connected("shared-dev") {
		t.Errorf("the session that kept the device is not connected: session %v, hub %v", winner.Connected(), hub.Connected("shared-dev"))
	}
}
