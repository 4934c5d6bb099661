package module

import (
	"context"
	"errors"
	"strings"
	"syscall"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"qpyhub/device/ports"
	"qpyhub/device/probe"
	"qpyhub/device/repl"
	"qpyhub/ui/internal/uitest"
	"qpyhub/ui/widgets"
)

// fakeChecker answers each Check with what the test sends, or with the
// context's error when the check is cancelled first.
type fakeChecker struct {
	ports   chan string
	answers chan checkAnswer
}

type checkAnswer struct {
	report probe.Report
	err    error
}

func newFakeChecker() *fakeChecker {
	return &fakeChecker{ports: make(chan string, 8), answers: make(chan checkAnswer, 1)}
}

func (f *fakeChecker) Check(ctx context.Context, port string) (probe.Report, error) {
	f.ports <- port
	select {
	case a := <-f.answers:
		return a.report, a.err
	case <-ctx.Done():
		return probe.Report{}, ctx.Err()
	}
}

type moduleRig struct {
	screen  *Screen
	checker *fakeChecker
	files   *fakeFiles
	q       *uitest.Queue
	current *widgets.ModulePort
	window  fyne.Window
}

func newModuleRig(t *testing.T, port string) *moduleRig {
	t.Helper()
	test.NewTempApp(t)
	r := &moduleRig{checker: newFakeChecker(), files: newFakeFiles(), q: uitest.NewQueue(), current: widgets.NewModulePort()}
	r.current.Set(ports.Port{Name: port, Model: "EC600N/EC800N"})
	w := test.NewTempWindow(t, nil)
	r.screen = NewScreen(w, r.checker, r.files, r.current, &uitest.Status{}, r.q.Post)
	w.SetContent(r.screen.Content())
	w.Resize(fyne.NewSize(1400, 1000))
	r.window = w
	return r
}

// check taps Check module, answers it with a, and waits for the card.
func (r *moduleRig) check(t *testing.T, a checkAnswer) string {
	t.Helper()
	test.Tap(r.screen.Check)
	if got := <-r.checker.ports; got != r.current.Name() {
		t.Fatalf("checked port %q, want %q", got, r.current.Name())
	}
	if !r.screen.Progress.Visible() || !r.screen.Cancel.Visible() || !r.screen.Check.Disabled() {
		t.Error("a running check shows no progress and cancel, or Check stays enabled")
	}
	r.checker.answers <- a
	r.q.RunUntil(t, "the check to finish", func() bool { return !r.screen.Checking() })
	return uitest.ShownText(r.screen.Content())
}

func healthyReport() probe.Report {
	r := probe.Report{Model: "EC600N", IMEI: "866327040000001", Firmware: "EC600NCNLCR01A01M08_OCPU_QPY_V0001",
		SIM:      probe.SIM{Status: 1, ICCID: "89860012345678901234", IMSI: "460001234567890"},
		Signal:   probe.Signal{CSQ: 24, DBM: probe.CSQToDBM(24), Bars: probe.CSQToBars(24)},
		Network:  probe.Network{DataState: 1, Operator: "CHINA MOBILE", MCC: "460", MNC: "00", RAT: 7, RATName: "LTE"},
		DataCall: probe.DataCall{Profile: 1, Active: true, IP: "10.64.12.34", DNS: []string{"211.136.17.107"}},
	}
	r.SIM.Meaning, r.SIM.Advice = probe.SIMStatusText(1)
	r.Network.State, r.Network.Registered, r.Network.Roaming = probe.RegistrationText(1)
	r.Problems = probe.Verdict(r)
	r.Ready = len(r.Problems) == 0
	return r
}

func TestModuleCheckShowsAHealthyModule(t *testing.T) {
	r := newModuleRig(t, "/dev/ttyUSB2")
	text := r.check(t, checkAnswer{report: healthyReport()})
	for _, want := range []string{"Ready for the cloud", "SIM card ready", "89860012345678901234", "460001234567890",
		"CSQ 24 · -65 dBm", "registered", "CHINA MOBILE", "LTE", "10.64.12.34", "211.136.17.107", "866327040000001", "EC600NCNLCR01A01M08"} {
		if !strings.Contains(text, want) {
			t.Errorf("card does not show %q:\n%s", want, text)
		}
	}
	if r.screen.Progress.Visible() || r.screen.Cancel.Visible() {
		t.Error("progress or Cancel still shown after the check")
	}
	test.Tap(r.screen.Card.IMEI.Copy)
	if got := fyne.CurrentApp().Clipboard().Content(); got != "866327040000001" {
		t.Errorf("copied IMEI %q", got)
	}
	test.Tap(r.screen.Card.IP.Copy)
	if got := fyne.CurrentApp().Clipboard().Content(); got != "10.64.12.34" {
		t.Errorf("copied IP %q", got)
	}
	if r.screen.Check.Text != "Check again" || r.screen.Check.Disabled() {
		t.Errorf("re-check button: %q disabled=%v", r.screen.Check.Text, r.screen.Check.Disabled())
	}
}

func TestModuleCheckVerdictNamesTheFirstProblem(t *testing.T) {
	r := newModuleRig(t, "/dev/ttyUSB2")
	rep := healthyReport()
	rep.SIM = probe.SIM{Status: 0}
	rep.SIM.Meaning, rep.SIM.Advice = probe.SIMStatusText(0)
	rep.Network = probe.Network{DataState: 0}
	rep.Network.State, _, _ = probe.RegistrationText(0)
	rep.DataCall = probe.DataCall{Profile: 1}
	rep.Problems = probe.Verdict(rep)
	rep.Ready = false

	text := r.check(t, checkAnswer{report: rep})
	if r.screen.Card.Verdict.Text != "No SIM card" {
		t.Errorf("verdict %q, want the SIM problem first", r.screen.Card.Verdict.Text)
	}
	if !strings.Contains(text, "Insert a SIM card and restart the module") || strings.Contains(text, "Ready for the cloud") {
		t.Errorf("card:\n%s", text)
	}
	if r.screen.Card.ICCID.Copy.Disabled() == false {
		t.Error("ICCID copy enabled with no ICCID")
	}
}

func TestModuleCheckFailuresSayWhatToDoNext(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want []string
	}{
		{"port gone", &repl.PortError{Path: "/dev/ttyUSB2", Err: syscall.EIO}, []string{repl.ErrPortGone.Error()}},
		{"silent", &probe.Error{Code: probe.CodeNoAnswer, Message: "The module did not answer", NextStep: "Check the cable and the port, then run the check again",
			Err: &repl.TimeoutError{Step: "raw REPL prompt"}}, []string{repl.PhraseTimeout}},
		{"terminal", widgets.ErrTerminalHoldsPort, []string{"The terminal is using this port", "Disconnect the terminal first"}},
		{"other", errors.New("strange"), []string{"The operation on the module failed", "strange"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := newModuleRig(t, "/dev/ttyUSB2")
			text := r.check(t, checkAnswer{err: tc.err})
			for _, w := range tc.want {
				if !strings.Contains(text, w) {
					t.Errorf("card does not say %q:\n%s", w, text)
				}
			}
			if strings.Contains(text, "IMEI") {
				t.Error("a failed check still shows the module's sections")
			}
		})
	}
}

func TestModuleCheckCancel(t *testing.T) {
	r := newModuleRig(t, "/dev/ttyUSB2")
	test.Tap(r.screen.Check)
	<-r.checker.ports
	test.Tap(r.screen.Cancel)
	r.q.RunUntil(t, "the cancelled check to end", func() bool { return !r.screen.Checking() })
	if !strings.Contains(uitest.ShownText(r.screen.Content()), "Cancelled") {
		t.Errorf("cancel not shown:\n%s", uitest.ShownText(r.screen.Content()))
	}
}

func TestModuleCheckNeedsAPort(t *testing.T) {
	r := newModuleRig(t, "")
	if !r.screen.Check.Disabled() {
		t.Error("Check enabled with no port chosen")
	}
	if !strings.Contains(uitest.ShownText(r.screen.Content()), "choose one on the Ports screen") {
		t.Errorf("screen does not say where to choose a port:\n%s", uitest.ShownText(r.screen.Content()))
	}
	r.current.Set(ports.Port{Name: "COM5"})
	if r.screen.Check.Disabled() || !strings.Contains(r.screen.PortLabel.Text, "COM5") {
		t.Errorf("port chosen later not taken: %q", r.screen.PortLabel.Text)
	}
}
