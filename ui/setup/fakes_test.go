package setup

import (
	"context"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"qpyhub/app/provision"
	"qpyhub/device/ports"
	"qpyhub/ui/internal/uitest"
	"qpyhub/ui/widgets"
)

// Secrets the tests type; none may ever be readable on the screen.
const (
	testDeviceKey = "c2VjcmV0LWRldmljZS1rZXktMDEyMzQ1Njc4OWFiY2Q="
	testPolicyKey = "cG9saWN5LWtleS1mb3ItdGhlLXJlZ2lzdHJ5LTAxMjM="
	testGroupKey  = "Z3JvdXAta2V5LWZvci10aGUtZW5yb2xsbWVudC0wMTI="
	testDeviceCS  = "HostName=tray.azure-devices.net;DeviceId=ec600n-1;SharedAccessKey=" + testDeviceKey
	testPolicyCS  = "HostName=tray.azure-devices.net;SharedAccessKeyName=registryReadWrite;SharedAccessKey=" + testPolicyKey
)

// setupCall is one Run of the fake runner, held open until the test
// finishes it or the screen cancels it.
type setupCall struct {
	ctx      context.Context
	plan     provision.Plan
	localHub bool
	ports    []string
	progress func(provision.Progress)
	finish   chan []provision.Result
}

// fakeSetupRunner hands every Run to the test.
type fakeSetupRunner struct{ calls chan *setupCall }

func newFakeSetupRunner() *fakeSetupRunner { return &fakeSetupRunner{calls: make(chan *setupCall, 4)} }

// Run waits for the test's results; a cancelled run ends like the
// pipeline's: every module failed, cancelled.
func (f *fakeSetupRunner) Run(ctx context.Context, plan provision.Plan, onLocalHub bool, ports []string, progress func(provision.Progress)) []provision.Result {
	c := &setupCall{ctx: ctx, plan: plan, localHub: onLocalHub, ports: ports, progress: progress, finish: make(chan []provision.Result)}
	f.calls <- c
	select {
	case r := <-c.finish:
		return r
	case <-ctx.Done():
		out := make([]provision.Result, len(ports))
		for i, p := range ports {
			out[i] = provision.Result{Port: p, Result: provision.ResultFailed, Stage: provision.StageWrite,
				Error: "the setup was cancelled", Advice: "run it again when ready"}
		}
		return out
	}
}

// setupHub is a local hub that hands out a policy.
type setupHub struct{ policy string }

func (h *setupHub) PolicyConnectionString() (string, error) { return h.policy, nil }

// setupRig is a Setup screen on a test window with its fakes.
type setupRig struct {
	screen  *Screen
	runner  *fakeSetupRunner
	q       *uitest.Queue
	current *widgets.ModulePort
	list    []ports.Port
	window  fyne.Window
}

// replPort is a Quectel module's REPL port.
func replPort(name, serial string) ports.Port {
	return ports.Port{Name: name, VID: ports.QuectelVID, PID: 0x6002, Serial: serial, Role: ports.RoleREPL,
		Model: "EC600N/EC800N", IsQuectel: true, Interface: 5}
}

// newSetupRig builds the screen with the given ports plugged in; the
// first one is the chosen module port. hub may be nil.
func newSetupRig(t *testing.T, hub LocalHubPolicy, plugged ...ports.Port) *setupRig {
	t.Helper()
	test.NewTempApp(t)
	r := &setupRig{runner: newFakeSetupRunner(), q: uitest.NewQueue(), current: widgets.NewModulePort(), list: plugged}
	if len(plugged) > 0 {
		r.current.Set(plugged[0])
	}
	r.build(t, hub)
	return r
}

// build puts a new screen on a new window of the same app.
func (r *setupRig) build(t *testing.T, hub LocalHubPolicy) {
	t.Helper()
	w := test.NewTempWindow(t, nil)
	now := func() time.Time { return time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC) }
	r.screen = newScreen(w, r.runner, r.current, func() []ports.Port { return r.list }, hub, &uitest.Status{}, r.q.Post, now)
	w.SetContent(r.screen.Content())
	w.Resize(fyne.NewSize(1600, 1400))
	r.window = w
}

// shown is everything a user can read on the screen.
func (r *setupRig) shown() string { return uitest.ShownText(r.screen.Content()) }

// start taps Start and answers the run the runner received.
func (r *setupRig) start(t *testing.T) *setupCall {
	t.Helper()
	test.Tap(r.screen.Start)
	if !r.screen.Running() {
		t.Fatalf("Start did not run the setup; the screen says: %s", r.screen.FormError.Text)
	}
	return <-r.runner.calls
}

// end finishes call with results and applies everything the screen posted.
func (r *setupRig) end(t *testing.T, call *setupCall, results []provision.Result) {
	t.Helper()
	call.finish <- results
	r.q.RunUntil(t, "the setup to end", func() bool { return !r.screen.Running() })
}

// fillNewDevice chooses a new device with the test policy.
func (r *setupRig) fillNewDevice() {
	id := r.screen.Identity
	id.Mode.SetSelected(id.Mode.Options[1])
	test.Type(id.HubConnString.Entry, testPolicyCS)
}
