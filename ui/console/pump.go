package console

import (
	"sync"
	"time"

	"qpyhub/cloud/hubclient"
)

// flushInterval is how often new messages reach the list: often enough to
// feel live, rarely enough that thousands of messages a second cost the
// UI ten updates, not thousands.
const flushInterval = 100 * time.Millisecond

// eventBatch is what one flush hands to the UI goroutine.
type eventBatch struct {
	entries []*LogEntry
	state   *hubclient.ConnectionState // the latest state change, if any
	calls   []*hubclient.MethodCall    // method calls waiting for an answer
	held    int                        // entries held back while paused
	dropped int                        // entries discarded while held
	ended   bool                       // the session's events are over
}

// eventPump reads a session's events on its own goroutine, turns them into
// log entries, and hands them to the UI in batches, one post per tick.
type eventPump struct {
	post  func(func())     // runs a function on the UI goroutine
	apply func(eventBatch) // called on the UI goroutine
	tick  <-chan time.Time
	auto  *autoAnswers // may answer method calls without the UI

	mu        sync.Mutex
	pending   []*LogEntry
	state     *hubclient.ConnectionState
	calls     []*hubclient.MethodCall
	paused    bool
	limit     int
	dropped   int
	shownHeld int

	shown *hubclient.ConnectionState // the last state shown; UI goroutine only
}

// run pumps events until the channel closes.
func (p *eventPump) run(events <-chan hubclient.Event) {
	for {
		select {
		case ev, ok := <-events:
			if !ok {
				p.flush(true)
				return
			}
			p.take(ev)
		case <-p.tick:
			p.flush(false)
		}
	}
}

// take converts one event; method calls are answered automatically when
// a rule says so, and otherwise listed for the user.
func (p *eventPump) take(ev hubclient.Event) {
	e := entryFromEvent(ev)
	if call, ok := ev.(*hubclient.MethodCall); ok && p.auto != nil && p.auto.answer(call) {
		ev = nil // answered; the answer's entry follows
	}
	p.mu.Lock()
	switch ev := ev.(type) {
	case *hubclient.ConnectionState:
		p.state = ev
	case *hubclient.MethodCall:
		p.calls = append(p.calls, ev)
	}
	p.mu.Unlock()
	if e != nil {
		p.record(e)
	}
}

// record queues an entry for the next flush; while paused the queue holds
// at most limit entries, as the list itself would.
func (p *eventPump) record(e *LogEntry) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.pending = append(p.pending, e)
	if over := len(p.pending) - p.limit; over > 0 && p.limit > 0 {
		clear(p.pending[:over])
		p.pending = p.pending[over:]
		p.dropped += over
	}
}

// setPaused holds new entries back (true) or lets them through (false).
func (p *eventPump) setPaused(paused bool) {
	p.mu.Lock()
	p.paused = paused
	p.mu.Unlock()
}

// setLimit bounds the entries held between flushes.
func (p *eventPump) setLimit(n int) {
	p.mu.Lock()
	p.limit = n
	p.mu.Unlock()
}

// flush posts what gathered since the last one, if anything changed.
func (p *eventPump) flush(ended bool) {
	if b, ok := p.collect(ended); ok {
		p.post(func() { p.apply(b) })
	}
}

// collect takes what gathered since the last batch; ok is false when
// nothing changed. The UI goroutine calls it directly to show held
// entries at once on resume.
func (p *eventPump) collect(ended bool) (b eventBatch, ok bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	b = eventBatch{state: p.state, calls: p.calls, ended: ended}
	p.state, p.calls = nil, nil
	if !p.paused || ended {
		b.entries, p.pending = p.pending, nil
		b.dropped, p.dropped = p.dropped, 0
	}
	b.held = len(p.pending)
	heldChanged := b.held != p.shownHeld
	p.shownHeld = b.held
	return b, len(b.entries) > 0 || b.state != nil || len(b.calls) > 0 || heldChanged || ended
}
