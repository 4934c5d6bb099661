package setup

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"qpyhub/device/ports"
	"qpyhub/ui/internal/uitest"
	"qpyhub/ui/widgets"
)

// restoringRunner is a setup runner that can also restore.
type restoringRunner struct {
	*fakeSetupRunner
	restored chan string
	err      error
}

func (r *restoringRunner) Restore(_ context.Context, port string) error {
	r.restored <- port
	return r.err
}

func newRestoreRig(t *testing.T, err error, plugged ...ports.Port) (*setupRig, *restoringRunner) {
	t.Helper()
	test.NewTempApp(t)
	runner := &restoringRunner{fakeSetupRunner: newFakeSetupRunner(), restored: make(chan string, 1), err: err}
	r := &setupRig{runner: runner.fakeSetupRunner, q: uitest.NewQueue(), current: widgets.NewModulePort(), list: plugged}
	if len(plugged) > 0 {
		r.current.Set(plugged[0])
	}
	w := test.NewTempWindow(t, nil)
	now := func() time.Time { return time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC) }
	r.screen = newScreen(w, runner, r.current, func() []ports.Port { return r.list }, nil, &uitest.Status{}, r.q.Post, now)
	w.SetContent(r.screen.Content())
	w.Resize(fyne.NewSize(1600, 1400))
	r.window = w
	return r, runner
}

func TestSetupRestoreAsksThenRestoresTheChosenPort(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"restored", nil, "main.py is back"},
		{"no backup", errors.New("there is no backup of main.py on the module"), "no backup"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, runner := newRestoreRig(t, tc.err, replPort("/dev/ttyUSB2", "A1"))
			if r.screen.Restore == nil {
				t.Fatal("a runner that can restore gets no restore step")
			}
			test.Tap(r.screen.Restore.Button)
			if r.screen.Restore.Confirm == nil {
				t.Fatal("restoring without asking first")
			}
			r.screen.Restore.Confirm.Confirm()
			if got := <-runner.restored; got != "/dev/ttyUSB2" {
				t.Fatalf("restored %q, want the chosen port", got)
			}
			r.q.RunUntil(t, "the restore to end", func() bool { return !r.screen.Restore.Button.Disabled() })
			if !strings.Contains(r.screen.Restore.Result.Text, tc.want) {
				t.Fatalf("result %q, want %q", r.screen.Restore.Result.Text, tc.want)
			}
		})
	}
}

func TestSetupRestoreNeedsAPort(t *testing.T) {
	r, runner := newRestoreRig(t, nil)
	test.Tap(r.screen.Restore.Button)
	if r.screen.Restore.Confirm != nil || len(runner.restored) != 0 {
		t.Fatal("restore went ahead without a module port")
	}
	if !strings.Contains(r.screen.Restore.Result.Text, "Ports screen") {
		t.Fatalf("result %q", r.screen.Restore.Result.Text)
	}
}

func TestSetupWithoutRestorerHasNoRestoreStep(t *testing.T) {
	r := newSetupRig(t, nil, replPort("/dev/ttyUSB2", "A1"))
	if r.screen.Restore != nil {
		t.Fatal("a runner that cannot restore shows a restore step")
	}
}
