package module

import (
	"context"
	"strings"
	"sync"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"qpyhub/app/ota"
	"qpyhub/device/ports"
	"qpyhub/ui/internal/uitest"
	"qpyhub/ui/widgets"
)

// applyingFiles is a module whose files service also applies bundles:
// the bundles it can read by path, and the result the test sets.
type applyingFiles struct {
	*fakeFiles
	mu      sync.Mutex
	bundles map[string]ota.Manifest
	result  ota.USBResult
	applied []string // "port path"
	// hold makes ApplyBundle wait, after its first file, until it is
	// cancelled.
	hold bool
}

func (a *applyingFiles) ReadBundle(path string) (ota.Manifest, error) {
	m, ok := a.bundles[path]
	if !ok {
		return ota.Manifest{}, &ota.ManifestError{Field: "files[1].size", Reason: "does not match the file's bytes"}
	}
	return m, nil
}

func (a *applyingFiles) ApplyBundle(ctx context.Context, port, path string, progress func(ota.USBProgress)) (ota.USBResult, error) {
	a.mu.Lock()
	a.applied = append(a.applied, port+" "+path)
	res, hold := a.result, a.hold
	a.mu.Unlock()
	progress(ota.USBProgress{Stage: "check"})
	progress(ota.USBProgress{Stage: "push", Path: "/usr/main.py", Done: 768, Total: 1536})
	if hold {
		<-ctx.Done()
		return ota.USBResult{}, ctx.Err()
	}
	progress(ota.USBProgress{Stage: "push", Path: "/usr/lib/util.py", Done: 512, Total: 512})
	progress(ota.USBProgress{Stage: "apply"})
	progress(ota.USBProgress{Stage: "trial", Line: "QPYHUB ota info version=1.3 trial"})
	return res, nil
}

func (a *applyingFiles) appliedList() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]string(nil), a.applied...)
}

var manifest13 = ota.Manifest{Format: 1, Version: "1.3", Files: []ota.File{
	{Path: "/usr/main.py", Size: 1536, SHA256: strings.Repeat("a", 64)},
	{Path: "/usr/lib/util.py", Size: 512, SHA256: strings.Repeat("b", 64)},
}}

// applyRig is the Files tab of a module whose service applies bundles,
// with a bundle file on disk that the file dialog picks.
func applyRig(t *testing.T) (*moduleRig, *FilesPanel, *applyingFiles, string) {
	t.Helper()
	test.NewTempApp(t)
	bundle := writeTemp(t, "app-1.3.zip", []byte("zip"))
	r := &moduleRig{checker: newFakeChecker(), files: newFakeFiles(), q: uitest.NewQueue(), current: widgets.NewModulePort()}
	a := &applyingFiles{fakeFiles: r.files, bundles: map[string]ota.Manifest{bundle: manifest13}, result: ota.USBResult{Version: "1.3", State: ota.StateDone, Running: "1.3"}}
	r.current.Set(ports.Port{Name: "/dev/ttyUSB2", Model: "EC600N/EC800N"})
	w := test.NewTempWindow(t, nil)
	r.screen = NewScreen(w, r.checker, a, r.current, &uitest.Status{}, r.q.Post)
	w.SetContent(r.screen.Content())
	w.Resize(fyne.NewSize(1400, 1000))
	r.window = w
	p := openFiles(t, r)
	p.openFile = func(done func(fyne.URIReadCloser, error)) { done(storage.Reader(storage.NewFileURI(bundle))) }
	return r, p, a, bundle
}

// askApply taps Apply a bundle… and waits for the confirmation.
func askApply(t *testing.T, r *moduleRig, p *FilesPanel) *bundleRequest {
	t.Helper()
	if p.ApplyBundle.Disabled() || !p.ApplyBundle.Visible() {
		t.Fatal("Apply a bundle… is not offered with a module port chosen")
	}
	test.Tap(p.ApplyBundle)
	r.q.RunUntil(t, "the confirmation", func() bool { return !p.Busy() && p.bundle != nil })
	return p.bundle
}

func TestApplyABundleOverTheCable(t *testing.T) {
	r, p, a, bundle := applyRig(t)
	req := askApply(t, r, p)
	shown := dialogText(r)
	for _, want := range []string{"Apply version 1.3 to the module?", "Version 1.3: 2 files, 2.0 KiB.", "/usr/main.py (1.5 KiB)", "/usr/lib/util.py (512 B)"} {
		if !strings.Contains(shown, want) {
			t.Errorf("the confirmation does not show %q:\n%s", want, shown)
		}
	}
	if len(a.appliedList()) != 0 {
		t.Fatal("applied before the user confirmed")
	}
	if want := "Checked " + bundle + ": version 1.3."; p.Message.Text != want {
		t.Errorf("while the confirmation shows, the message says %q, want %q", p.Message.Text, want)
	}
	req.dialog.Confirm()
	r.q.RunUntil(t, "the result", func() bool { return !p.Busy() && p.bundle == nil })
	if got := a.appliedList(); len(got) != 1 || got[0] != "/dev/ttyUSB2 "+bundle {
		t.Fatalf("applied %v", got)
	}
	if p.Message.Text != "Version 1.3 applied: the module runs it." || p.Message.Importance != widget.SuccessImportance || p.Progress.Visible() || p.Cancel.Visible() {
		t.Errorf("result %q (%v), progress shown %v, cancel shown %v", p.Message.Text, p.Message.Importance, p.Progress.Visible(), p.Cancel.Visible())
	}
}

func TestApplyEndsRolledBackOrFailed(t *testing.T) {
	r, p, a, _ := applyRig(t)
	a.result = ota.USBResult{Version: "1.3", State: ota.StateRolledBack, Error: "version 1.3 did not come online within 300 s", Running: "1.2"}
	askApply(t, r, p).dialog.Confirm()
	r.q.RunUntil(t, "the rollback", func() bool { return !p.Busy() && p.bundle == nil })
	if want := "Version 1.3 was rolled back: version 1.3 did not come online within 300 s. The module runs 1.2 again."; p.Message.Text != want || p.Message.Importance != widget.DangerImportance {
		t.Errorf("result %q (%v), want %q", p.Message.Text, p.Message.Importance, want)
	}
	a.result = ota.USBResult{Version: "1.3", State: ota.StateFailed, Error: "no room: need 2048 bytes, 100 free"}
	askApply(t, r, p).dialog.Confirm()
	r.q.RunUntil(t, "the failure", func() bool { return !p.Busy() && p.bundle == nil })
	if want := "Version 1.3 failed: no room: need 2048 bytes, 100 free. The running files were not touched."; p.Message.Text != want || p.Message.Importance != widget.DangerImportance {
		t.Errorf("result %q, want %q", p.Message.Text, want)
	}
	a.result = ota.USBResult{Version: "1.3", State: ota.StateDone, Running: "1.3", Unchanged: true}
	askApply(t, r, p).dialog.Confirm()
	r.q.RunUntil(t, "the unchanged module", func() bool { return !p.Busy() && p.bundle == nil })
	if want := "The module already runs version 1.3; nothing was sent."; p.Message.Text != want || p.Message.Importance != widget.SuccessImportance {
		t.Errorf("result %q, want %q", p.Message.Text, want)
	}
}

func TestApplyCancelledWhileSending(t *testing.T) {
	r, p, a, _ := applyRig(t)
	a.hold = true
	askApply(t, r, p).dialog.Confirm()
	r.q.RunUntil(t, "the first file under way", func() bool { return strings.Contains(p.Message.Text, "Sending /usr/main.py (768 B of 1.5 KiB)") })
	if !p.Progress.Visible() || p.Progress.Value != 0.5 || !p.Cancel.Visible() || !p.ApplyBundle.Disabled() {
		t.Errorf("while sending: progress %v shown %v, cancel shown %v", p.Progress.Value, p.Progress.Visible(), p.Cancel.Visible())
	}
	test.Tap(p.Cancel)
	r.q.RunUntil(t, "the cancel", func() bool { return !p.Busy() })
	if !strings.HasPrefix(p.Message.Text, "The apply was cancelled; the module keeps the files it had.") {
		t.Errorf("message %q", p.Message.Text)
	}
}

func TestApplyRefusesABrokenBundleAndCanBeDismissed(t *testing.T) {
	r, p, a, _ := applyRig(t)
	good := a.bundles
	a.bundles = nil
	test.Tap(p.ApplyBundle)
	r.q.RunUntil(t, "the refusal", func() bool { return !p.Busy() })
	if p.bundle != nil || !strings.Contains(p.Message.Text, "is not a bundle that can be applied; nothing was sent.") ||
		!strings.Contains(p.Message.Text, "does not match the file's bytes") {
		t.Errorf("bundle %v, message %q", p.bundle, p.Message.Text)
	}
	a.bundles = good
	askApply(t, r, p).dialog.Dismiss()
	if p.bundle != nil || p.Message.Text != "Nothing was applied." || len(a.appliedList()) != 0 || p.ApplyBundle.Disabled() {
		t.Errorf("after Cancel: message %q, applied %v", p.Message.Text, a.appliedList())
	}
}

func TestApplyNeedsAServiceThatCan(t *testing.T) {
	r := newModuleRig(t, "/dev/ttyUSB2")
	if r.screen.Files.ApplyBundle.Visible() {
		t.Error("Apply a bundle… is offered by a files service that cannot apply bundles")
	}
}
