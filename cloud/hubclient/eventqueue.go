package hubclient

import (
	"sync"
	"time"
)

// maxHeldC2D bounds the cloud-to-device messages waiting for the reader.
// The hub holds back what is not acknowledged (IoT Hub: 50 per device),
// so the bound is reached only with a hub that does not; a message over
// it is left unacknowledged for the hub to deliver again later.
const maxHeldC2D = 4096

// orphanTimeout is how long the queue waits, after the session ended, for
// a reader to take its last events before it gives up on them.
const orphanTimeout = time.Minute

// eventQueue hands events from paho's delivery goroutine to the reader,
// in order, and never blocks paho.
//
// A cloud-to-device message is acknowledged to the hub only once the
// reader has taken it from Events: until then the hub keeps it, so a slow
// reader slows the hub down instead of losing messages, and a message
// nobody read (the session ended first) comes again on the device's next
// connection. Those messages are therefore never dropped here. Other
// events (connection states, desired patches, method calls) are dropped
// oldest first when more than size of them wait, and counted.
type eventQueue struct {
	out     chan Event    // unbuffered: a send completes when the reader took the event
	closing chan struct{} // closed by close

	mu      sync.Mutex
	items   []queuedEvent
	others  int // events that are not cloud-to-device messages, waiting or being handed over
	size    int
	dropped uint64
	closed  bool
	wake    chan struct{} // buffered 1: items or closed changed
	seen    recentIDs     // message ids the reader took
}

// queuedEvent is an event and, for a cloud-to-device message, how to
// acknowledge it and whether the hub marked it as sent before.
type queuedEvent struct {
	ev  Event
	ack func()
	dup bool
}

func newEventQueue(size int) *eventQueue {
	q := &eventQueue{
		out:     make(chan Event),
		closing: make(chan struct{}),
		size:    size,
		wake:    make(chan struct{}, 1),
		seen:    newRecentIDs(2 * maxHeldC2D),
	}
	go q.run()
	return q
}

// events is the channel the reader takes events from; it closes after
// the last event once the queue is closed.
func (q *eventQueue) events() <-chan Event { return q.out }

// push enqueues an event that is not a cloud-to-device message.
func (q *eventQueue) push(ev Event) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed {
		return
	}
	if cs, ok := ev.(*ConnectionState); ok {
		cs.Dropped = q.dropped
	}
	q.items = append(q.items, queuedEvent{ev: ev})
	q.others++
	if q.others > q.size {
		q.dropOldestOther()
	}
	q.signal()
}

// dropOldestOther drops the oldest waiting event that is not a
// cloud-to-device message, never the one just pushed: a final state
// always reaches the reader.
func (q *eventQueue) dropOldestOther() {
	for i, it := range q.items[:len(q.items)-1] {
		if _, isC2D := it.ev.(*C2DMessage); !isC2D {
			q.items = append(q.items[:i], q.items[i+1:]...)
			q.others--
			q.dropped++
			return
		}
	}
}

// pushC2D enqueues a cloud-to-device message; ack, if not nil, is called
// once the reader took it. A message the hub sent again (dup) is taken
// once only: when the reader already had it, it is acknowledged at once;
// when it still waits here, the waiting copy is acknowledged through the
// new connection instead. It returns false when the message was left
// unacknowledged because too many wait.
func (q *eventQueue) pushC2D(m *C2DMessage, dup bool, ack func()) bool {
	q.mu.Lock()
	id := m.System.MessageID
	if dup && id != "" && !q.closed && q.seen.has(id) {
		q.mu.Unlock()
		callAck(ack)
		return true
	}
	defer q.mu.Unlock()
	switch {
	case q.closed:
		return true // unacknowledged: the hub delivers it again
	case dup && id != "" && q.replaceAck(id, ack):
		return true
	case len(q.items)-q.others >= maxHeldC2D:
		return false
	}
	q.items = append(q.items, queuedEvent{ev: m, ack: ack, dup: dup})
	q.signal()
	return true
}

// replaceAck gives a waiting copy of message id the newer acknowledgement.
func (q *eventQueue) replaceAck(id string, ack func()) bool {
	for i := range q.items {
		if m, ok := q.items[i].ev.(*C2DMessage); ok && m.System.MessageID == id {
			q.items[i].ack = ack
			return true
		}
	}
	return false
}

func (q *eventQueue) signal() {
	select {
	case q.wake <- struct{}{}:
	default:
	}
}

// run hands the items to the reader one by one until the queue is closed
// and empty, then closes the channel.
func (q *eventQueue) run() {
	defer close(q.out)
	for {
		it, ok := q.next()
		if !ok {
			return
		}
		if !q.handOver(it) {
			return
		}
	}
}

// next waits for the next item to hand over. A message the hub sent
// again after the reader took it is acknowledged and skipped.
func (q *eventQueue) next() (queuedEvent, bool) {
	for {
		it, ok, closed := q.pop()
		switch {
		case ok && it.skip:
			callAck(it.ack) // never with q.mu held: paho may take a moment
		case ok:
			return it.queuedEvent, true
		case closed:
			return queuedEvent{}, false
		default:
			<-q.wake
		}
	}
}

// popped is the head of the queue and whether the reader already had it.
type popped struct {
	queuedEvent
	skip bool
}

func (q *eventQueue) pop() (it popped, ok, closed bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.items) == 0 {
		return popped{}, false, q.closed
	}
	it.queuedEvent = q.items[0]
	q.items[0] = queuedEvent{}
	q.items = q.items[1:]
	if m, isC2D := it.ev.(*C2DMessage); isC2D && it.dup && m.System.MessageID != "" {
		it.skip = q.seen.has(m.System.MessageID)
	}
	return it, true, false
}

// handOver gives one event to the reader and acknowledges a message once
// taken. After close a message is not handed over (it stays with the hub)
// and the other events wait for the reader at most orphanTimeout.
func (q *eventQueue) handOver(it queuedEvent) bool {
	m, isC2D := it.ev.(*C2DMessage)
	if isC2D {
		select {
		case q.out <- it.ev:
		case <-q.closing:
			return true
		}
		q.mu.Lock()
		if id := m.System.MessageID; id != "" {
			q.seen.add(id)
		}
		q.mu.Unlock()
		callAck(it.ack)
		return true
	}
	defer func() {
		q.mu.Lock()
		q.others--
		q.mu.Unlock()
	}()
	select {
	case q.out <- it.ev:
		return true
	case <-q.closing:
	}
	orphan := time.NewTimer(orphanTimeout)
	defer orphan.Stop()
	select {
	case q.out <- it.ev:
		return true
	case <-orphan.C:
		return false
	}
}

func callAck(ack func()) {
	if ack != nil {
		ack()
	}
}

// droppedCount is how many events were discarded so far.
func (q *eventQueue) droppedCount() uint64 {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.dropped
}

// close ends the stream: later pushes are ignored, messages not yet taken
// are left unacknowledged (the hub delivers them again), and the other
// events still reach the reader before the channel closes.
func (q *eventQueue) close() {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed {
		return
	}
	q.closed = true
	close(q.closing)
	kept := q.items[:0]
	for _, it := range q.items {
		if _, isC2D := it.ev.(*C2DMessage); !isC2D {
			kept = append(kept, it)
		}
	}
	clear(q.items[len(kept):])
	q.items = kept
	q.signal()
}

// recentIDs remembers the last n message ids.
type recentIDs struct {
	ring []string
	next int
	set  map[string]int // id → how many times it is in ring
}

func newRecentIDs(n int) recentIDs {
	return recentIDs{ring: make([]string, n), set: make(map[string]int)}
}

func (r *recentIDs) has(id string) bool { return r.set[id] > 0 }

func (r *recentIDs) add(id string) {
	if old := r.ring[r.next]; old != "" {
		if r.set[old]--; r.set[old] == 0 {
			delete(r.set, old)
		}
	}
	r.ring[r.next] = id
	r.set[id]++
	r.next = (r.next + 1) % len(r.ring)
}
