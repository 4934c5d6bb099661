package module

import (
	"context"
	iofs "io/fs"
	"path"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"

	"qpyhub/device/modfs"
	"qpyhub/ui/internal/uitest"
)

// fakeSync is the sync side of fakeFiles: the plan the test sets, what
// the screen asked for, and the plan it applied.
type fakeSync struct {
	plan    modfs.SyncPlan
	planErr error
	asked   modfs.SyncOptions
	askedIn string
	applied *modfs.SyncPlan
	// hold makes ApplySync wait, after the first change started, until
	// it is cancelled.
	hold bool
}

func (f *fakeFiles) PlanSync(_ context.Context, _ string, local iofs.FS, dir string, opts modfs.SyncOptions) (modfs.SyncPlan, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.sync.asked, f.sync.askedIn = opts, dir
	if _, err := iofs.Stat(local, "."); err != nil {
		return modfs.SyncPlan{}, err
	}
	return f.sync.plan, f.sync.planErr
}

// ApplySync does the plan's changes to the files in memory, with the
// local folder's content, reporting as modfs does.
func (f *fakeFiles) ApplySync(ctx context.Context, _ string, local iofs.FS, plan modfs.SyncPlan, progress func(modfs.SyncEvent)) ([]modfs.SyncItem, error) {
	f.mu.Lock()
	f.sync.applied = &plan
	hold := f.sync.hold
	f.mu.Unlock()
	changes := plan.Changes()
	var done []modfs.SyncItem
	for i, it := range changes {
		progress(modfs.SyncEvent{Item: it, Index: i + 1, Total: len(changes)})
		if hold {
			<-ctx.Done()
			return done, ctx.Err()
		}
		target := path.Join(plan.Remote, it.Path)
		f.mu.Lock()
		switch it.Action {
		case modfs.SyncMkdir:
			f.dirs[target] = true
		case modfs.SyncAdd, modfs.SyncChange:
			data, err := iofs.ReadFile(local, it.Path)
			if err != nil {
				f.mu.Unlock()
				return done, err
			}
			f.files[target] = data
		case modfs.SyncDelete:
			delete(f.files, target)
		case modfs.SyncRmdir:
			delete(f.dirs, target)
		}
		f.mu.Unlock()
		progress(modfs.SyncEvent{Item: it, Index: i + 1, Total: len(changes), Done: it.Size, Finished: true})
		done = append(done, it)
	}
	return done, nil
}

func (f *fakeFiles) content(p string) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return string(f.files[p])
}

// syncRig is a Files tab whose folder dialog picks a project folder, and
// whose module has /usr/old.py that the folder does not.
func syncRig(t *testing.T) (*moduleRig, *FilesPanel) {
	t.Helper()
	r := newModuleRig(t, "/dev/ttyUSB2")
	r.files.files["/usr/old.py"] = []byte("old")
	dir := t.TempDir()
	writeTemp := func(name, content string) {
		if err := storage.CreateListable(storage.NewFileURI(dir + "/lib")); err != nil && !strings.Contains(err.Error(), "exists") {
			t.Fatal(err)
		}
		w, err := storage.Writer(storage.NewFileURI(dir + "/" + name))
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(content))
		w.Close()
	}
	writeTemp("app.py", "print('app')\n")
	writeTemp("lib/util.py", "X = 1\n")
	r.files.sync.plan = modfs.SyncPlan{Remote: "/usr", Items: []modfs.SyncItem{
		{Path: "lib/deep", Action: modfs.SyncMkdir, IsDir: true},
		{Path: "app.py", Action: modfs.SyncAdd, Size: 13},
		{Path: "lib/util.py", Action: modfs.SyncChange, Size: 6},
		{Path: "main.py", Action: modfs.SyncSame, Size: 1225},
		{Path: "old.py", Action: modfs.SyncDelete, Size: 3},
	}}
	p := openFiles(t, r)
	p.openFolder = func(done func(fyne.ListableURI, error)) {
		uri, err := storage.ListerForURI(storage.NewFileURI(dir))
		done(uri, err)
	}
	return r, p
}

// askSyncAndWait taps Sync a folder… and waits for the confirmation.
func askSyncAndWait(t *testing.T, r *moduleRig, p *FilesPanel) *syncRequest {
	t.Helper()
	if p.SyncFolder.Disabled() {
		t.Fatal("Sync a folder… is disabled with a module listed")
	}
	test.Tap(p.SyncFolder)
	r.q.RunUntil(t, "the sync's confirmation", func() bool { return !p.Busy() && p.syncing != nil })
	if r.files.sync.askedIn != "/usr" || !r.files.sync.asked.Delete {
		t.Fatalf("planned in %q with %+v; want /usr, with removals to offer", r.files.sync.askedIn, r.files.sync.asked)
	}
	return p.syncing
}

// dialogText is what the user reads in the dialog on top of the window.
func dialogText(r *moduleRig) string {
	return uitest.ShownText(r.window.Canvas().Overlays().Top())
}

func TestFilesSyncAFolderWithDelete(t *testing.T) {
	r, p := syncRig(t)
	req := askSyncAndWait(t, r, p)
	shown := dialogText(r)
	for _, want := range []string{"Sync ", "Delete files not in the folder (1)",
		"add    /usr/app.py (13 B)", "change /usr/lib/util.py (6 B)", "mkdir  /usr/lib/deep/", "delete /usr/old.py"} {
		if !strings.Contains(shown, want) {
			t.Errorf("the confirmation does not show %q:\n%s", want, shown)
		}
	}
	if want := "To add: 1; to change: 1 (19 B to send); unchanged: 1. Files on the module that are not in the folder stay."; req.summary.Text != want {
		t.Errorf("summary %q, want %q", req.summary.Text, want)
	}
	if r.files.sync.applied != nil {
		t.Fatal("applied before the user confirmed")
	}
	test.Tap(req.delete)
	if want := "To add: 1; to change: 1 (19 B to send); to delete: 1; unchanged: 1."; req.summary.Text != want {
		t.Errorf("with Delete checked the summary says %q, want %q", req.summary.Text, want)
	}
	req.dialog.Confirm()
	r.q.RunUntil(t, "the sync and the new listing", idleWith(p, "app.py", true))
	if got := r.files.sync.applied; got == nil || len(got.Changes()) != 4 {
		t.Fatalf("applied %+v, want the four changes", got)
	}
	if r.files.content("/usr/app.py") != "print('app')\n" || r.files.content("/usr/lib/util.py") != "X = 1\n" || r.files.has("/usr/old.py") {
		t.Errorf("the module holds app.py %q, lib/util.py %q, old.py %v", r.files.content("/usr/app.py"), r.files.content("/usr/lib/util.py"), r.files.has("/usr/old.py"))
	}
	if !strings.Contains(p.Message.Text, "1 added, 1 changed, 1 deleted, 1 unchanged") || p.Progress.Visible() || p.Cancel.Visible() {
		t.Errorf("after the sync: message %q, progress shown %v, cancel shown %v", p.Message.Text, p.Progress.Visible(), p.Cancel.Visible())
	}
}

// Without the check, the files the folder lacks stay on the module: the
// plan applied has no removals.
func TestFilesSyncKeepsWhatTheFolderLacks(t *testing.T) {
	r, p := syncRig(t)
	req := askSyncAndWait(t, r, p)
	req.dialog.Confirm()
	r.q.RunUntil(t, "the sync and the new listing", idleWith(p, "app.py", true))
	applied := r.files.sync.applied
	if applied == nil || applied.Options.Delete || applied.Count(modfs.SyncDelete) != 0 || len(applied.Changes()) != 3 {
		t.Fatalf("applied %+v; want the three changes without removals", applied)
	}
	if !r.files.has("/usr/old.py") || !strings.Contains(p.Message.Text, "0 deleted") {
		t.Errorf("old.py there %v; message %q", r.files.has("/usr/old.py"), p.Message.Text)
	}
}

func TestFilesSyncCancelled(t *testing.T) {
	r, p := syncRig(t)
	r.files.sync.hold = true
	req := askSyncAndWait(t, r, p)
	req.dialog.Confirm()
	r.q.RunUntil(t, "the first change under way", func() bool { return strings.Contains(p.Message.Text, "1 of 3: mkdir /usr/lib/deep/") })
	if !p.Progress.Visible() || !p.Cancel.Visible() || !p.SyncFolder.Disabled() {
		t.Error("a running sync shows no progress and Cancel, or leaves Sync a folder… enabled")
	}
	test.Tap(p.Cancel)
	r.q.RunUntil(t, "the cancelled sync", func() bool { return !p.Busy() })
	if !strings.Contains(p.Message.Text, "The sync was cancelled after 0 of 3 changes") {
		t.Errorf("message %q", p.Message.Text)
	}
}

func TestFilesSyncPlanFailsAndNothingToDo(t *testing.T) {
	r, p := syncRig(t)
	r.files.sync.planErr = &modfs.PathError{Op: "sync", Path: "/usr/lib", Cause: modfs.ErrSyncConflict}
	test.Tap(p.SyncFolder)
	r.q.RunUntil(t, "the failed plan", func() bool { return !p.Busy() })
	if p.syncing != nil || !strings.Contains(p.Message.Text, "could not be compared with /usr; nothing was changed") ||
		!strings.Contains(p.Message.Text, modfs.ErrSyncConflict.Error()) {
		t.Errorf("syncing %v; message %q", p.syncing, p.Message.Text)
	}
	r.files.sync.planErr = nil
	r.files.sync.plan.Items = []modfs.SyncItem{{Path: "main.py", Action: modfs.SyncSame, Size: 1225}}
	test.Tap(p.SyncFolder)
	r.q.RunUntil(t, "the empty plan", func() bool { return !p.Busy() })
	if p.syncing != nil || !strings.Contains(p.Message.Text, "/usr already matches") {
		t.Errorf("syncing %v; message %q", p.syncing, p.Message.Text)
	}
}

func TestFilesSyncNeedsAListing(t *testing.T) {
	r := newModuleRig(t, "")
	if !r.screen.Files.SyncFolder.Disabled() {
		t.Error("Sync a folder… is enabled without a module port")
	}
}

func TestFilesSyncDismissedChangesNothing(t *testing.T) {
	r, p := syncRig(t)
	req := askSyncAndWait(t, r, p)
	if !strings.Contains(p.Message.Text, "Compared ") {
		t.Errorf("while the confirmation shows, the message says %q", p.Message.Text)
	}
	req.dialog.Dismiss()
	if r.files.sync.applied != nil || p.syncing != nil || p.Message.Text != "Nothing was synced." || p.SyncFolder.Disabled() {
		t.Errorf("after Cancel: applied %v, message %q, button disabled %v", r.files.sync.applied, p.Message.Text, p.SyncFolder.Disabled())
	}
}
