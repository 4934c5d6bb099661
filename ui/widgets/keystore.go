package widgets

import "sync"

// KeyStore keeps the keys a user asked to remember in the operating
// system's credential store; the window passes the real one, tests a fake. Its
// calls may block (the store can show an unlock prompt), so the screens
// make them off the UI goroutine. Every error's text is a sentence to
// show the user, and none ever holds the secret.
type KeyStore interface {
	// Available is nil when the store can be used. It may show the
	// store's unlock prompt: call it when the user asks to remember.
	Available() error
	// Save remembers secret under name, replacing what was there.
	Save(name, secret string) error
	// Load returns the secret remembered under name, "" when none is.
	Load(name string) (string, error)
	// Delete forgets name; forgetting what was never saved is no error.
	Delete(name string) error
}

// StoreQueue runs key store calls one after another on a goroutine of
// their own: in order, so an older key never overwrites a newer one, and
// never on the UI goroutine. The zero value is ready to use.
type StoreQueue struct {
	mu      sync.Mutex
	jobs    []func()
	running bool
}

// Run queues job; it returns at once.
func (q *StoreQueue) Run(job func()) {
	q.mu.Lock()
	q.jobs = append(q.jobs, job)
	start := !q.running
	q.running = true
	q.mu.Unlock()
	if start {
		go q.drain()
	}
}

func (q *StoreQueue) drain() {
	for {
		q.mu.Lock()
		if len(q.jobs) == 0 {
			q.running = false
			q.mu.Unlock()
			return
		}
		job := q.jobs[0]
		q.jobs = q.jobs[1:]
		q.mu.Unlock()
		job()
	}
}

// Idle tells whether no job is queued or running.
func (q *StoreQueue) Idle() bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	return !q.running && len(q.jobs) == 0
}
