package console

import (
	"context"
	"encoding/json"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"qpyhub/cloud"
	"qpyhub/cloud/hubclient"
)

// uiQueue stands in for the window's post function in console tests:
// what the console posts from its goroutines waits here until the test
// runs it, on the test goroutine, so widgets are only ever touched by one
// goroutine.
type uiQueue struct{ ch chan func() }

func (q *uiQueue) post(f func()) { q.ch <- f }

// next runs the next posted function, waiting for it.
func (q *uiQueue) next() { (<-q.ch)() }

// fakeAnswer is a method answer the fake session received.
type fakeAnswer struct {
	rid     string
	status  int
	payload string
}

// fakeSession is a device session whose events the test sends by hand.
type fakeSession struct {
	target     SessionTarget
	events     chan hubclient.Event // unbuffered: a send returns once the pump has it
	connectErr error
	answers    chan fakeAnswer
	closeOnce  sync.Once

	mu        sync.Mutex
	telemetry []map[string]string
}

func newFakeSession(target SessionTarget) *fakeSession {
	return &fakeSession{target: target, events: make(chan hubclient.Event), answers: make(chan fakeAnswer, 16)}
}

func (f *fakeSession) Connect(context.Context) error  { return f.connectErr }
func (f *fakeSession) Events() <-chan hubclient.Event { return f.events }
func (f *fakeSession) Close()                         { f.closeOnce.Do(func() { close(f.events) }) }
func (f *fakeSession) SendTelemetry(_ context.Context, _ []byte, props map[string]string, _ hubclient.SystemProperties) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.telemetry = append(f.telemetry, props)
	return nil
}
func (f *fakeSession) GetTwin(context.Context) (json.RawMessage, error) {
	return json.RawMessage(`{"desired":{"interval":30,"$version":2},"reported":{}}`), nil
}
func (f *fakeSession) PatchReported(context.Context, json.RawMessage) (int, error) { return 7, nil }
func (f *fakeSession) AnswerMethod(_ context.Context, rid string, status int, payload json.RawMessage) error {
	f.answers <- fakeAnswer{rid, status, string(payload)}
	return nil
}

// fakeFactory hands out fake sessions and remembers them.
type fakeFactory struct {
	sessions   []*fakeSession
	connectErr error
}

func (f *fakeFactory) NewSession(target SessionTarget) (DeviceSession, error) {
	s := newFakeSession(target)
	s.connectErr = f.connectErr
	f.sessions = append(f.sessions, s)
	return s, nil
}

// fakeHub is a local hub that records what the cloud side did.
type fakeHub struct {
	devices []string
	c2d     []CloudMessage
	desired []string
}

func (h *fakeHub) Address() string   { return "127.0.0.1:8883" }
func (h *fakeHub) Devices() []string { return h.devices }
func (h *fakeHub) AddDevice(id string) error {
	h.devices = append(h.devices, id)
	return nil
}
func (h *fakeHub) DeviceConnectionString(id string) (string, error) {
	return "HostName=localhost;DeviceId=" + id + ";SharedAccessKey=bG9jYWwta2V5", nil
}
func (h *fakeHub) SendC2D(id string, msg CloudMessage) error {
	h.c2d = append(h.c2d, msg)
	return nil
}
func (h *fakeHub) UpdateDesired(id string, patch json.RawMessage) (int, error) {
	h.desired = append(h.desired, string(patch))
	return len(h.desired) + 1, nil
}
func (h *fakeHub) InvokeMethod(context.Context, string, string, json.RawMessage, time.Duration) (int, json.RawMessage, error) {
	return 200, json.RawMessage(`{"rebooting":true}`), nil
}

// consoleRig is a console on a test window with its fakes.
type consoleRig struct {
	t       *testing.T
	s       *Screen
	ui      *uiQueue
	tick    chan time.Time
	factory *fakeFactory
	hub     *fakeHub
	creds   cloud.MQTTCredentials
}

func newConsoleRig(t *testing.T) *consoleRig {
	t.Helper()
	test.NewTempApp(t)
	r := &consoleRig{t: t, ui: &uiQueue{ch: make(chan func(), 64)}, tick: make(chan time.Time),
		factory: &fakeFactory{}, hub: &fakeHub{devices: []string{"demo-device"}}}
	r.s = newScreen(deps{
		sessions:    r.factory,
		hub:         r.hub,
		credentials: func() cloud.MQTTCredentials { return r.creds },
		post:        r.ui.post,
		ticker:      func() (<-chan time.Time, func()) { return r.tick, func() {} },
		now:         func() time.Time { return time.Unix(1700000000, 0) },
	})
	w := test.NewTempWindow(t, r.s.Content())
	w.Resize(r.s.Content().MinSize().Max(w.Canvas().Size()).AddWidthHeight(200, 400))
	t.Cleanup(func() {
		for _, s := range r.factory.sessions {
			s.Close()
		}
	})
	return r
}

// session is the latest fake session.
func (r *consoleRig) session() *fakeSession {
	r.t.Helper()
	if len(r.factory.sessions) == 0 {
		r.t.Fatal("no session was opened")
	}
	return r.factory.sessions[len(r.factory.sessions)-1]
}

// connect taps Connect and lets the first attempt finish.
func (r *consoleRig) connect() *fakeSession {
	r.t.Helper()
	test.Tap(r.s.Target.Connect)
	r.ui.next()
	return r.session()
}

// deliver sends events through the session and flushes them to the screen.
func (r *consoleRig) deliver(evs ...hubclient.Event) {
	s := r.session()
	for _, ev := range evs {
		s.events <- ev
	}
	r.tick <- time.Time{}
	r.ui.next()
}
