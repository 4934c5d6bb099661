package hubclient

import (
	"reflect"
	"sort"
	"strconv"
	"sync"
	"testing"
	"time"
)

func TestEventQueueDropsOldest(t *testing.T) {
	tests := []struct {
		size, pushed int
		wantDropped  uint64
	}{
		{size: 3, pushed: 2, wantDropped: 0},
		{size: 3, pushed: 3, wantDropped: 0},
		{size: 3, pushed: 7, wantDropped: 4},
		{size: 1, pushed: 5, wantDropped: 4},
	}
	for _, tt := range tests {
		t.Run(strconv.Itoa(tt.size)+"/"+strconv.Itoa(tt.pushed), func(t *testing.T) {
			q := newEventQueue(tt.size)
			for i := range tt.pushed {
				q.push(&MethodCall{RID: strconv.Itoa(i)})
			}
			// The first event may already be on its way to the reader, and
			// then one fewer is dropped.
			before := q.droppedCount()
			if before != tt.wantDropped && (tt.wantDropped == 0 || before != tt.wantDropped-1) {
				t.Errorf("dropped = %d, want %d", before, tt.wantDropped)
			}
			q.push(&ConnectionState{State: StateConnected})
			q.close()
			q.push(&MethodCall{RID: "after close"}) // must neither panic nor appear
			var rids []string
			var last Event
			for ev := range q.events() {
				if m, ok := ev.(*MethodCall); ok {
					rids = append(rids, m.RID)
				}
				last = ev
			}
			cs, ok := last.(*ConnectionState)
			if !ok {
				t.Fatalf("last event = %T, want the connection state", last)
			}
			if cs.Dropped != before {
				t.Errorf("state Dropped = %d, want the count before it, %d", cs.Dropped, before)
			}
			// The newest are kept, in order (the state last of all); the oldest
			// may be kept instead of a newer one when it was already on its
			// way to the reader.
			if len(rids)+int(q.droppedCount()) != tt.pushed {
				t.Errorf("kept %v and dropped %d of %d", rids, q.droppedCount(), tt.pushed)
			}
			prev := -1
			for _, rid := range rids {
				n, _ := strconv.Atoi(rid)
				if n <= prev {
					t.Errorf("kept events %v out of order", rids)
				}
				prev = n
			}
		})
	}
}

// Cloud-to-device messages are never dropped for a slow reader: the hub
// keeps what is not acknowledged, so the queue keeps them all, and
// acknowledges each only once the reader took it.
func TestEventQueueKeepsEveryC2DMessage(t *testing.T) {
	q := newEventQueue(4)
	const n = 40
	var mu sync.Mutex
	acked := map[string]bool{}
	for i := range n {
		id := strconv.Itoa(i)
		q.pushC2D(&C2DMessage{System: SystemProperties{MessageID: id}}, false, func() {
			mu.Lock()
			defer mu.Unlock()
			acked[id] = true
		})
	}
	for i := range n {
		m := nextEvent(t, q).(*C2DMessage)
		if m.System.MessageID != strconv.Itoa(i) {
			t.Fatalf("message %d is %s: order lost", i, m.System.MessageID)
		}
	}
	q.close()
	for range q.events() {
	}
	if len(acked) != n {
		t.Errorf("%d of %d messages acknowledged after they were read", len(acked), n)
	}
}

// A message the hub sends again is read once: acknowledged at once when
// the reader already took it, merged with the waiting copy otherwise (the
// newer acknowledgement, on the live connection, is the one that counts).
// Messages nobody read when the queue closes stay unacknowledged.
func TestEventQueueDuplicates(t *testing.T) {
	q := newEventQueue(4)
	var mu sync.Mutex
	var acks []string
	ack := func(name string) func() {
		return func() {
			mu.Lock()
			defer mu.Unlock()
			acks = append(acks, name)
		}
	}
	msg := func(id string) *C2DMessage { return &C2DMessage{System: SystemProperties{MessageID: id}} }
	q.pushC2D(msg("a"), false, ack("a on conn 1"))
	if m := nextEvent(t, q).(*C2DMessage); m.System.MessageID != "a" {
		t.Fatalf("read %s", m.System.MessageID)
	}
	q.pushC2D(msg("a"), true, ack("a again on conn 2"))
	q.pushC2D(msg("b"), false, ack("b on conn 2"))
	q.pushC2D(msg("b"), true, ack("b again on conn 3"))
	q.pushC2D(msg("c"), true, ack("c, first seen on conn 3"))
	q.pushC2D(msg("d"), false, ack("d, never read"))
	for _, want := range []string{"b", "c"} {
		if m := nextEvent(t, q).(*C2DMessage); m.System.MessageID != want {
			t.Fatalf("read %s, want %s", m.System.MessageID, want)
		}
	}
	q.close()
	for ev := range q.events() {
		if _, ok := ev.(*C2DMessage); ok {
			t.Errorf("read a message after close: %+v", ev)
		}
	}
	want := []string{"a again on conn 2", "a on conn 1", "b again on conn 3", "c, first seen on conn 3"}
	sort.Strings(acks)
	if !reflect.DeepEqual(acks, want) {
		t.Errorf("acknowledged %q, want %q", acks, want)
	}
}

// nextEvent reads one event, failing the test if none comes in time.
func nextEvent(t *testing.T, q *eventQueue) Event {
	t.Helper()
	select {
	case ev, ok := <-q.events():
		if !ok {
			t.Fatal("events closed")
		}
		return ev
	case <-time.After(10 * time.Second):
		t.Fatal("no event")
	}
	return nil
}
