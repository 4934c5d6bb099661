package hubclient

import (
	"strconv"
	"testing"
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
			if got := q.droppedCount(); got != tt.wantDropped {
				t.Errorf("dropped = %d, want %d", got, tt.wantDropped)
			}
			q.push(&ConnectionState{State: StateConnected})
			q.close()
			q.push(&MethodCall{RID: "after close"}) // must neither panic nor appear
			var rids []string
			var last Event
			for ev := range q.ch {
				if m, ok := ev.(*MethodCall); ok {
					rids = append(rids, m.RID)
				}
				last = ev
			}
			cs, ok := last.(*ConnectionState)
			if !ok {
				t.Fatalf("last event = %T, want the connection state", last)
			}
			if cs.Dropped != tt.wantDropped {
				t.Errorf("state Dropped = %d, want the count before it, %d", cs.Dropped, tt.wantDropped)
			}
			for i, rid := range rids {
				want := strconv.Itoa(tt.pushed - len(rids) + i)
				if rid != want {
					t.Errorf("kept events %v: position %d = %s, want %s (newest kept in order)", rids, i, rid, want)
				}
			}
		})
	}
}
