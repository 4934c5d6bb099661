package hubclient

import (
	"testing"
	"time"
)

func TestDisplacementWatch(t *testing.T) {
	type step struct {
		lived  time.Duration // a connection the hub closed; 0 = a failed attempt
		failed bool
	}
	closed := func(d time.Duration) step { return step{lived: d} }
	failed := step{failed: true}
	tests := []struct {
		name   string
		steps  []step
		stopAt int // index of the step after which the session gives up; -1 never
	}{
		{"two quick closes in a row", []step{closed(time.Second), closed(2 * time.Second)}, 1},
		{"established connection kicked, then quick closes", []step{closed(time.Hour), closed(time.Second), closed(time.Second)}, 2},
		{"slow rival, minutes apart", []step{closed(3 * time.Minute), closed(4 * time.Minute), closed(time.Minute), closed(2 * time.Minute)}, 3},
		{"hub restarts, retries fail in between", []step{closed(time.Second), failed, closed(time.Second), failed, closed(time.Second)}, -1},
		{"a long-lived connection clears the score", []step{closed(time.Second), closed(time.Hour), closed(time.Second)}, -1},
		{"one quick close", []step{closed(time.Millisecond)}, -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var w displacementWatch
			stoppedAt := -1
			for i, s := range tt.steps {
				if s.failed {
					w.clear()
					continue
				}
				if w.closedByHub(s.lived) && stoppedAt < 0 {
					stoppedAt = i
				}
			}
			if stoppedAt != tt.stopAt {
				t.Errorf("gave up after step %d, want %d", stoppedAt, tt.stopAt)
			}
		})
	}
}
