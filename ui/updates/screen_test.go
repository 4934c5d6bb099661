package updates

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"qpyhub/app/ota"
	"qpyhub/cloud/registry"
	"qpyhub/ui/internal/uitest"
)

const bundlePath = "/tmp/app-1.3.zip"

var manifest13 = ota.Manifest{Format: 1, Version: "1.3", Files: []ota.File{
	{Path: "/usr/main.py", Size: 1000, SHA256: strings.Repeat("a", 64)},
	{Path: "/usr/lib/util.py", Size: 536, SHA256: strings.Repeat("b", 64)},
}}

// storageString is a storage connection string whose key must never show.
const storageString = "DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=c2VjcmV0LWtleS1uZXZlci1zaG93bg==;EndpointSuffix=core.windows.net"

type rig struct {
	s   *Screen
	hub *fakeHub
	q   *uitest.Queue
	w   fyne.Window
}

// openScreen shows the screen with a fake local hub of n devices, taps
// Local hub and opens the bundle.
func openScreen(t *testing.T, n int) *rig {
	t.Helper()
	test.NewTempApp(t)
	r := &rig{hub: newFakeHub(n), q: uitest.NewQueue()}
	r.s = NewScreen(nil, &fakeServices{bundles: map[string]ota.Manifest{bundlePath: manifest13}, hub: r.hub}, r.q.Post)
	r.w = uitest.ShowBig(t, r.s.Content())
	r.s.win = r.w
	test.Tap(r.s.Local)
	r.openBundle(t, bundlePath)
	return r
}

// openBundle types a path into the bundle field and waits for its answer.
func (r *rig) openBundle(t *testing.T, path string) {
	t.Helper()
	r.s.Bundle.Field.Entry.SetText(path)
	r.s.Bundle.Field.Entry.OnSubmitted(path)
	r.q.RunUntil(t, "the bundle read", func() bool {
		return r.s.Bundle.manifest != nil || r.s.Bundle.Field.ErrorText() != ""
	})
}

// start taps Start and waits until the screen watches.
func (r *rig) start(t *testing.T) {
	t.Helper()
	if r.s.Start.Disabled() {
		t.Fatal("Start is disabled with a bundle and a hub chosen")
	}
	test.Tap(r.s.Start)
	r.q.RunUntil(t, "the watch", func() bool { return r.s.run != nil && r.s.run.watching })
}

// send hands the watch a reading and waits until the table shows it.
func (r *rig) send(t *testing.T, statuses ...ota.DeviceStatus) {
	t.Helper()
	r.hub.readings <- statuses
	r.q.RunUntil(t, "the reading in the table", func() bool {
		return fmt.Sprint(r.s.Table.rows) == fmt.Sprint(statuses)
	})
}

// cellText is what the table shows in a cell.
func cellText(r *rig, row, col int) string {
	cell := newCell()
	r.s.Table.updateCell(widget.TableCellID{Row: row, Col: col}, cell)
	c := cell.(*fyne.Container)
	if col == colProgress {
		return fmt.Sprint(c.Objects[1].(*widget.ProgressBar).Value)
	}
	return c.Objects[0].(*widget.Label).Text
}

func TestBundleShowsItsManifestOrWhyNot(t *testing.T) {
	r := openScreen(t, 2)
	if got := r.s.Bundle.Summary.Text; got != "Version 1.3 · 2 files · 1.5 KiB" || !r.s.Bundle.Summary.Visible() {
		t.Errorf("summary %q (shown %v)", got, r.s.Bundle.Summary.Visible())
	}
	r.openBundle(t, "/tmp/broken.zip")
	if got := r.s.Bundle.Field.ErrorText(); !strings.Contains(got, "does not match the file's bytes") {
		t.Errorf("error beside the bundle field %q", got)
	}
	if r.s.Bundle.Summary.Visible() || !r.s.Start.Disabled() {
		t.Error("a broken bundle left its summary shown or Start enabled")
	}
	r.openBundle(t, bundlePath)
	if r.s.Bundle.Field.ErrorText() != "" || r.s.Start.Disabled() {
		t.Errorf("a good bundle after a bad one: error %q, Start disabled %v", r.s.Bundle.Field.ErrorText(), r.s.Start.Disabled())
	}
}

func TestOneDeviceIsWatchedUntilDone(t *testing.T) {
	r := openScreen(t, 2)
	test.Type(r.s.Targets.One.Entry, "m01")
	r.start(t)
	starts, _ := r.hub.recorded()
	if len(starts) != 1 || starts[0].BundlePath != bundlePath || starts[0].Version != "1.3" || starts[0].Retry ||
		fmt.Sprint(starts[0].Targets.DeviceIDs) != "[m01]" || starts[0].Hosting.Kind != HostLocalHub {
		t.Fatalf("start %+v", starts)
	}
	if !strings.Contains(r.s.Message.Text, "Version 1.3 asked of m01.") || r.s.Cancel.Text != "Stop watching" || !r.s.Start.Disabled() {
		t.Errorf("while watching: message %q, cancel %q, Start disabled %v", r.s.Message.Text, r.s.Cancel.Text, r.s.Start.Disabled())
	}
	r.send(t, status("m01", "1.2", ota.StateDone, 100, ""))
	if _, watched := r.hub.recorded(); len(watched) != 1 || fmt.Sprint(watched[0].DeviceIDs) != "[m01]" {
		t.Fatalf("watched %+v", watched)
	}
	if got, bar := cellText(r, 0, colState), cellText(r, 0, colProgress); got != "waiting" || bar != "0" {
		t.Errorf("a module still on 1.2 shows %q at %s %%, want waiting at 0", got, bar)
	}
	r.send(t, status("m01", "1.3", ota.StateDownloading, 40, ""))
	if cellText(r, 0, colState) != "downloading" || cellText(r, 0, colProgress) != "40" || cellText(r, 0, colVersion) != "1.3" {
		t.Errorf("row: %q %q %q", cellText(r, 0, colVersion), cellText(r, 0, colState), cellText(r, 0, colProgress))
	}
	if !strings.Contains(r.s.Table.Summary.Text, "1 still updating") {
		t.Errorf("summary %q", r.s.Table.Summary.Text)
	}
	r.hub.readings <- []ota.DeviceStatus{status("m01", "1.3", ota.StateDone, 100, "")}
	r.q.RunUntil(t, "the end of the watch", func() bool { return r.s.run == nil })
	if r.s.Message.Text != "Every module runs the new version." || r.s.Cancel.Visible() || r.s.Start.Disabled() || !r.s.Retry.Disabled() {
		t.Errorf("after: message %q, cancel shown %v, Start disabled %v, Retry disabled %v",
			r.s.Message.Text, r.s.Cancel.Visible(), r.s.Start.Disabled(), r.s.Retry.Disabled())
	}
}

// pickTicked lists the hub's devices and ticks the rows named.
func (r *rig) pickTicked(t *testing.T, ids ...string) {
	t.Helper()
	r.s.Targets.Mode.SetSelected(r.s.Targets.modes[pickTicked])
	r.q.RunUntil(t, "the device list", func() bool { return len(r.s.Targets.devices) > 0 })
	var checks []*widget.Check
	uitest.Walk(r.s.Targets.List, func(o fyne.CanvasObject) bool {
		if c, ok := o.(*widget.Check); ok && o.Visible() {
			checks = append(checks, c)
		}
		return o.Visible()
	})
	for _, id := range ids {
		for i, d := range r.s.Targets.devices {
			if d.DeviceID == id {
				test.Tap(checks[i])
			}
		}
	}
}

func TestTickedDevicesOnStorageAndRetryFailed(t *testing.T) {
	r := openScreen(t, 4)
	r.pickTicked(t, "m00", "m02", "m03")
	if got := r.s.Targets.Count.Text; got != "4 devices listed · 3 ticked" {
		t.Errorf("count %q", got)
	}
	h := r.s.Hosting
	h.Kind.SetSelected(h.kinds[HostStorage])
	test.Type(h.Account.Entry, storageString)
	h.Lifetime.SetSelectedIndex(0)
	r.start(t)
	starts, _ := r.hub.recorded()
	got := starts[0]
	if fmt.Sprint(got.Targets.DeviceIDs) != "[m00 m02 m03]" || got.Hosting.Kind != HostStorage || got.Hosting.ConnectionString != storageString ||
		got.Hosting.Container != "qpyhub-ota" || got.Hosting.URLLifetime != 24*time.Hour {
		t.Fatalf("start %+v", got)
	}
	r.hub.readings <- []ota.DeviceStatus{
		status("m00", "1.3", ota.StateDone, 100, ""),
		status("m02", "1.3", ota.StateFailed, 30, "sha256 mismatch for /usr/main.py"),
		status("m03", "1.3", ota.StateRolledBack, 100, "version 1.3 did not come online within 300 s"),
	}
	r.q.RunUntil(t, "the end of the watch", func() bool { return r.s.run == nil })
	if !strings.Contains(r.s.Message.Text, "2 modules failed or rolled back") || r.s.Retry.Disabled() {
		t.Fatalf("after: message %q, Retry disabled %v", r.s.Message.Text, r.s.Retry.Disabled())
	}
	if cellText(r, 2, colState) != "rolled back" || !strings.Contains(cellText(r, 1, colError), "sha256 mismatch") {
		t.Errorf("rows: %q %q", cellText(r, 2, colState), cellText(r, 1, colError))
	}
	r.s.Table.Table.Select(widget.TableCellID{Row: 2, Col: colError})
	if r.s.Message.Text != "m03: version 1.3 did not come online within 300 s" {
		t.Errorf("picked row's error %q", r.s.Message.Text)
	}

	r.openBundle(t, "/tmp/broken.zip") // the form changes; Retry is about the update shown
	h.Kind.SetSelected(h.kinds[HostLocalHub])
	test.Tap(r.s.Retry)
	r.q.RunUntil(t, "the second watch", func() bool { return r.s.run != nil && r.s.run.watching })
	r.send(t, status("m02", "1.3", ota.StateDownloading, 0, ""))
	starts, watched := r.hub.recorded()
	if len(starts) != 2 || !starts[1].Retry || fmt.Sprint(starts[1].Targets.DeviceIDs) != "[m02 m03]" || starts[1].Hosting.Kind != HostStorage ||
		starts[1].BundlePath != bundlePath || starts[1].Version != "1.3" {
		t.Fatalf("retry start %+v", starts[len(starts)-1])
	}
	if fmt.Sprint(watched[1].DeviceIDs) != "[m00 m02 m03]" {
		t.Errorf("the retry watches %v, want every module of the update", watched[1].DeviceIDs)
	}
}

func TestQueryTargetsAndTheirCount(t *testing.T) {
	r := openScreen(t, 5)
	p := r.s.Targets
	p.Mode.SetSelected(p.modes[pickQuery])
	test.Type(p.Query.Entry, "WHERE tags.site = 'lab'")
	test.Tap(p.Preview)
	r.q.RunUntil(t, "the count", func() bool { return strings.Contains(p.Matches.Text, "3 devices") })
	r.start(t)
	r.send(t, status("m00", "1.2", ota.StateIdle, 0, ""))
	starts, watched := r.hub.recorded()
	if starts[0].Targets.Query != "WHERE tags.site = 'lab'" || len(starts[0].Targets.DeviceIDs) != 0 || watched[0].Query != starts[0].Targets.Query {
		t.Fatalf("start %+v, watch %+v", starts[0].Targets, watched[0])
	}
	if !strings.Contains(r.s.Message.Text, "(job ota-job-1)") {
		t.Errorf("message %q", r.s.Message.Text)
	}
	test.Tap(r.s.Cancel)
	r.q.RunUntil(t, "the watch stopped", func() bool { return r.s.run == nil })
	if r.s.Message.Text != "Stopped watching; the modules carry on with the update." {
		t.Errorf("message %q", r.s.Message.Text)
	}
}

func TestFormErrorsShowBesideTheirFields(t *testing.T) {
	r := openScreen(t, 2)
	h := r.s.Hosting
	test.Tap(r.s.Start)
	if got := r.s.Targets.One.ErrorText(); got != "Type the device id of the module." {
		t.Errorf("no device id: %q", got)
	}
	test.Type(r.s.Targets.One.Entry, "m00")
	h.Kind.SetSelected(h.kinds[HostStorage])
	test.Tap(r.s.Start)
	if got := h.Account.ErrorText(); !strings.Contains(got, "connection string") {
		t.Errorf("no connection string: %q", got)
	}
	test.Type(h.Account.Entry, "AccountName=acct")
	test.Tap(r.s.Start)
	if got := h.Account.ErrorText(); !strings.Contains(got, "no AccountKey") {
		t.Errorf("no key: %q", got)
	}
	h.Kind.SetSelected(h.kinds[HostURLPrefix])
	test.Type(h.Prefix.Entry, "http://files.example.com/app")
	test.Tap(r.s.Start)
	if got := h.Prefix.ErrorText(); !strings.Contains(got, "https://") {
		t.Errorf("an http prefix: %q", got)
	}
	if starts, _ := r.hub.recorded(); len(starts) != 0 || r.s.run != nil {
		t.Fatalf("started with a wrong form: %+v", starts)
	}
	h.Prefix.Entry.SetText("https://files.example.com/app/")
	r.start(t)
	if starts, _ := r.hub.recorded(); starts[0].Hosting.URLPrefix != "https://files.example.com/app" {
		t.Errorf("prefix %q", starts[0].Hosting.URLPrefix)
	}
}

// The storage connection string and its key show nowhere: not in an
// error a service let slip, not when the hosting is printed.
func TestStorageSecretIsNeverShown(t *testing.T) {
	r := openScreen(t, 2)
	test.Type(r.s.Targets.One.Entry, "ghost-1")
	h := r.s.Hosting
	h.Kind.SetSelected(h.kinds[HostStorage])
	test.Type(h.Account.Entry, storageString)
	r.hub.startErr = fmt.Errorf("upload with %s failed (key c2VjcmV0LWtleS1uZXZlci1zaG93bg==)", storageString)
	test.Tap(r.s.Start)
	r.q.RunUntil(t, "the failed start", func() bool {
		return r.s.run == nil && r.s.Message.Text != "" && !strings.HasPrefix(r.s.Message.Text, "Starting")
	})
	shown := uitest.ShownText(r.w.Content()) + r.s.Message.Text
	if strings.Contains(shown, "c2VjcmV0") || strings.Contains(shown, "AccountKey=") {
		t.Errorf("the key shows on the screen:\n%s", shown)
	}
	if !strings.Contains(r.s.Message.Text, "The update did not start:") || !strings.Contains(r.s.Message.Text, "upload with ••••") {
		t.Errorf("message %q", r.s.Message.Text)
	}
	starts, _ := r.hub.recorded()
	for _, text := range []string{fmt.Sprint(starts[0].Hosting), fmt.Sprintf("%+v", starts[0].Hosting), fmt.Sprintf("%#v", starts[0])} {
		if strings.Contains(text, "c2VjcmV0") {
			t.Errorf("printing the hosting shows the key: %s", text)
		}
	}
}

func TestCancelAStartAndAFailedTarget(t *testing.T) {
	r := openScreen(t, 2)
	test.Type(r.s.Targets.One.Entry, "m00")
	r.hub.holdStart = true
	test.Tap(r.s.Start)
	r.q.RunUntil(t, "the first upload", func() bool { return strings.Contains(r.s.Message.Text, "Uploading file 2 of 2: /usr/lib/util.py") })
	if !r.s.Progress.Visible() || r.s.Progress.Value != 0.5 || !r.s.Cancel.Visible() || r.s.Cancel.Text != "Cancel" {
		t.Errorf("while uploading: progress %v shown %v, cancel %q", r.s.Progress.Value, r.s.Progress.Visible(), r.s.Cancel.Text)
	}
	test.Tap(r.s.Cancel)
	r.q.RunUntil(t, "the cancelled start", func() bool { return r.s.run == nil })
	if !strings.HasPrefix(r.s.Message.Text, "Cancelled:") || r.s.Progress.Visible() || r.s.Start.Disabled() {
		t.Errorf("after cancel: %q, progress shown %v", r.s.Message.Text, r.s.Progress.Visible())
	}

	r.hub.holdStart = false
	r.s.Targets.One.Entry.SetText("ghost-7")
	r.start(t)
	if !strings.Contains(r.s.Message.Text, "ghost-7: ") || r.s.Message.Importance != widget.WarningImportance {
		t.Errorf("a target the hub does not know: %q", r.s.Message.Text)
	}
}

func TestAModuleWhoseTwinCannotBeRead(t *testing.T) {
	r := openScreen(t, 2)
	r.pickTicked(t, "m00", "m01")
	r.start(t)
	unread := ota.DeviceStatus{DeviceID: "m01", Problem: "the hub has no device with this id"}
	r.hub.readings <- []ota.DeviceStatus{status("m00", "1.3", ota.StateDone, 100, ""), unread}
	r.q.RunUntil(t, "the end of the watch", func() bool { return r.s.run == nil })
	if cellText(r, 1, colState) != "unknown" || cellText(r, 1, colError) != unread.Problem {
		t.Errorf("row: %q %q", cellText(r, 1, colState), cellText(r, 1, colError))
	}
	if !strings.Contains(r.s.Message.Text, "the twins of 1 modules could not be read") || !r.s.Retry.Disabled() ||
		!strings.HasSuffix(r.s.Table.Summary.Text, "1 could not be read") {
		t.Errorf("message %q, summary %q, Retry disabled %v", r.s.Message.Text, r.s.Table.Summary.Text, r.s.Retry.Disabled())
	}
}

func TestChooseABundleAndAHubThatFails(t *testing.T) {
	r := openScreen(t, 1)
	file := filepath.Join(t.TempDir(), "app-1.3.zip")
	if err := os.WriteFile(file, []byte("zip"), 0o644); err != nil {
		t.Fatal(err)
	}
	r.s.services.(*fakeServices).bundles[file] = manifest13
	r.s.Bundle.openFile = func(done func(fyne.URIReadCloser, error)) { done(storage.Reader(storage.NewFileURI(file))) }
	r.s.Bundle.manifest = nil
	test.Tap(r.s.Bundle.Choose)
	r.q.RunUntil(t, "the chosen bundle", func() bool { return r.s.Bundle.manifest != nil })
	if r.s.Bundle.Field.Entry.Text != file || r.s.Bundle.path != file {
		t.Errorf("field %q, path %q, want %q", r.s.Bundle.Field.Entry.Text, r.s.Bundle.path, file)
	}
	test.Type(r.s.HubString, "HostName=h.azure-devices.net;SharedAccessKeyName=p;SharedAccessKey=c2VjcmV0")
	test.Tap(r.s.Connect)
	if !strings.Contains(r.s.HubName.Text, "not a policy connection string") || !r.s.Start.Disabled() || strings.Contains(r.s.HubName.Text, "c2VjcmV0") {
		t.Errorf("hub line %q, Start disabled %v", r.s.HubName.Text, r.s.Start.Disabled())
	}
	r.s.HubString.SetText("HostName=acme.azure-devices.net;SharedAccessKeyName=p;SharedAccessKey=" + strings.Repeat("A", 43) + "=")
	test.Tap(r.s.Connect)
	if r.s.HubName.Text != "Hub: acme.azure-devices.net" || r.s.Start.Disabled() || r.s.Hosting.kind() != HostStorage {
		t.Errorf("an Azure hub: line %q, Start disabled %v, hosting %v (want a storage account: IoT Hub hosts no files)",
			r.s.HubName.Text, r.s.Start.Disabled(), r.s.Hosting.kind())
	}
}

func TestAHubThatHostsNoFilesPointsToTheOtherHosts(t *testing.T) {
	r := openScreen(t, 1)
	test.Type(r.s.Targets.One.Entry, "m00")
	r.hub.startErr = fmt.Errorf("host /usr/main.py on the local hub h: %w", registry.ErrNoFileHosting)
	test.Tap(r.s.Start)
	r.q.RunUntil(t, "the failed start", func() bool { return r.s.run == nil && strings.HasPrefix(r.s.Message.Text, "The update did not start") })
	if !strings.Contains(r.s.Message.Text, "choose Azure storage or a web address") || strings.Contains(r.s.Message.Text, "--base-url") {
		t.Errorf("message %q", r.s.Message.Text)
	}
}
