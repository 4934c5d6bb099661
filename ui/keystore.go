package ui

import "sync"

// KeyStore keeps the keys a user asked to remember in the operating
// system's credential store; app passes the real one, tests a fake. Its
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

// storeQueue runs key store calls one after another on a goroutine of
// their own: in order, so an older key never overwrites a newer one, and
// never on the UI goroutine.
type storeQueue struct {
	mu      sync.Mutex
	jobs    []func()
	running bool
}

// run queues job; it returns at once.
func (q *storeQueue) run(job func()) {
	q.mu.Lock()
	q.jobs = append(q.jobs, job)
	start := !q.running
	q.running = true
	q.mu.Unlock()
	if start {
		go q.drain()
	}
}

func (q *storeQueue) drain() {
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
