package hubclient

import "sync"

// eventQueue hands events from paho's delivery goroutines to the reader
// without ever blocking them: it is a buffered channel, and when it is
// full the oldest waiting event is dropped and counted. Dropping the
// oldest keeps the newest connection state visible.
type eventQueue struct {
	mu      sync.Mutex
	ch      chan Event
	closed  bool
	dropped uint64
}

func newEventQueue(size int) *eventQueue {
	return &eventQueue{ch: make(chan Event, size)}
}

// push enqueues ev; it returns at once whatever the reader does.
func (q *eventQueue) push(ev Event) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed {
		return
	}
	if cs, ok := ev.(*ConnectionState); ok {
		cs.Dropped = q.dropped
	}
	for {
		select {
		case q.ch <- ev:
			return
		default:
		}
		select {
		case <-q.ch:
			q.dropped++
		default:
		}
	}
}

// droppedCount is how many events were discarded so far.
func (q *eventQueue) droppedCount() uint64 {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.dropped
}

// close ends the stream; later pushes are ignored.
func (q *eventQueue) close() {
	q.mu.Lock()
	defer q.mu.Unlock()
	if !q.closed {
		q.closed = true
		close(q.ch)
	}
}
