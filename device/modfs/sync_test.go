package modfs

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
	"testing/fstest"

	"qpyhub/device/testpeer"
)

// moduleTree answers every file under dir on the module with its
// content, and every folder (ending in "/").
func moduleTree(ctx context.Context, t *testing.T, fs *FS, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	var walk func(d, rel string)
	walk = func(d, rel string) {
		entries, err := fs.List(ctx, d)
		if err != nil {
			t.Fatalf("List %s: %v", d, err)
		}
		for _, e := range entries {
			if e.IsDir {
				out[rel+e.Name+"/"] = ""
				walk(d+"/"+e.Name, rel+e.Name+"/")
				continue
			}
			var b bytes.Buffer
			if _, err := fs.Get(ctx, d+"/"+e.Name, &b, nil); err != nil {
				t.Fatalf("Get %s: %v", d+"/"+e.Name, err)
			}
			out[rel+e.Name] = b.String()
		}
	}
	walk(dir, "")
	return out
}

func actions(items []SyncItem) map[string]SyncAction {
	out := map[string]SyncAction{}
	for _, it := range items {
		out[it.Path] = it.Action
	}
	return out
}

// project is the local folder of the sync tests.
func project() fstest.MapFS {
	return fstest.MapFS{
		".qpyhubignore":    {Data: []byte("*.log\n/notes/\n")},
		"main.py":          {Data: []byte("import app\napp.run()\n")},
		"app.py":           {Data: []byte("def run():\n    print('v2')\n")},
		"cfg.json":         {Data: []byte(`{"port": 8883}`)},
		"lib/util.py":      {Data: []byte("X = 1\n")},
		"lib/deep/模组.py":   {Data: []byte("Y = '模组'\n")},
		"debug.log":        {Data: []byte("local log, never sent")},
		"notes/todo.txt":   {Data: []byte("never sent")},
		"assets/empty.bin": {Data: []byte{}},
	}
}

// onModule is what the module holds before the sync, under /usr/proj.
var onModule = map[string][]byte{
	"proj/main.py":     []byte("import app\napp.run()\n"),       // same
	"proj/app.py":      []byte("def run():\n    print('v1')\n"), // same size, differs
	"proj/cfg.json":    []byte(`{"port": 8838}`),                // same size, bytes swapped
	"proj/lib/util.py": []byte("X = 100\n"),                     // other size
	"proj/old.py":      []byte("gone"),                          // module only
	"proj/stale/a.py":  []byte("a"),                             // module only, in a folder
	"proj/run.log":     []byte("module log"),                    // ignored: stays
	"proj/logs/x.log":  []byte("ignored, keeps its folder"),
	"proj2/keep.py":    []byte("sibling folder"),
	"projector.py":     []byte("a name that starts like the target"),
	"proj.py":          []byte("another"),
	"main.py":          []byte("the module's own main"),
}

func TestSyncDryRunIsWhatTheSyncDoes(t *testing.T) {
	for _, mode := range []string{testpeer.RawPasteOn, testpeer.RawPasteUnsupported} {
		for _, del := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s delete=%v", mode, del), func(t *testing.T) {
				t.Parallel()
				fs, _, p, ctx := startFS(t, testpeer.Options{RawPaste: mode, Files: onModule})
				local := project()
				opts := SyncOptions{Delete: del}
				before := moduleTree(ctx, t, fs, "/usr")
				plan, err := fs.PlanSync(ctx, local, "/usr/proj", opts)
				if err != nil {
					t.Fatal(err)
				}
				want := map[string]SyncAction{
					"main.py": SyncSame, "app.py": SyncChange, "cfg.json": SyncChange, "lib/util.py": SyncChange,
					"lib/deep": SyncMkdir, "lib/deep/模组.py": SyncAdd, "assets": SyncMkdir, "assets/empty.bin": SyncAdd,
					"old.py": SyncKeep, "stale": SyncKeep, "stale/a.py": SyncKeep, "logs": SyncKeep,
				}
				if del {
					want["old.py"], want["stale/a.py"], want["stale"] = SyncDelete, SyncDelete, SyncRmdir
					delete(want, "logs") // it holds an ignored file: it stays, unlisted
				}
				if got := actions(plan.Items); !reflect.DeepEqual(got, want) {
					t.Fatalf("plan %v\nwant %v", got, want)
				}
				if after := moduleTree(ctx, t, fs, "/usr"); !reflect.DeepEqual(after, before) {
					t.Fatalf("the dry run changed the module")
				}
				if strings.Contains(string(p.Received()), "_qpyw(") {
					t.Fatalf("the dry run sent file data")
				}
				var events []SyncEvent
				done, err := fs.ApplySync(ctx, local, plan, func(ev SyncEvent) { events = append(events, ev) })
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(done, plan.Changes()) {
					t.Fatalf("did %v\nplanned %v", done, plan.Changes())
				}
				checkEvents(t, events, plan.Changes())
				// Now the module mirrors the folder: a new plan finds nothing to do.
				again, err := fs.PlanSync(ctx, local, "/usr/proj", opts)
				if err != nil {
					t.Fatal(err)
				}
				if n := len(again.Changes()); n != 0 {
					t.Fatalf("after the sync %d changes remain: %v", n, again.Changes())
				}
				checkMirror(ctx, t, fs, local, before, del)
			})
		}
	}
}

// checkEvents wants, per change, a start and a finish, in order, and
// byte progress that never goes back.
func checkEvents(t *testing.T, events []SyncEvent, changes []SyncItem) {
	t.Helper()
	var finished []SyncItem
	var last int64 = -1 // before an item's first event
	for _, ev := range events {
		if ev.Total != len(changes) || ev.Index < 1 || ev.Index > len(changes) || ev.Item != changes[ev.Index-1] {
			t.Fatalf("event %+v does not match the plan", ev)
		}
		switch {
		case ev.Finished:
			finished = append(finished, ev.Item)
			last = -1
			continue
		case last == -1 && ev.Done != 0:
			t.Fatalf("an item starts at %d bytes: %+v", ev.Done, ev)
		case ev.Done < last:
			t.Fatalf("progress went back: %+v", ev)
		}
		last = ev.Done
	}
	if !reflect.DeepEqual(finished, changes) {
		t.Fatalf("finished %v, want %v", finished, changes)
	}
}

// checkMirror compares the module with the folder and the rest of /usr
// with how it was.
func checkMirror(ctx context.Context, t *testing.T, fs *FS, local fstest.MapFS, before map[string]string, deleted bool) {
	t.Helper()
	after := moduleTree(ctx, t, fs, "/usr")
	for name, f := range local {
		ignored := strings.HasSuffix(name, ".log") || strings.HasPrefix(name, "notes/") || name == IgnoreFile
		got, ok := after["proj/"+name]
		if ignored && ok && got == string(f.Data) {
			t.Errorf("ignored %s was sent", name)
		}
		if !ignored && got != string(f.Data) {
			t.Errorf("proj/%s on the module: %q, want %q", name, got, f.Data)
		}
	}
	for name, content := range before {
		if strings.HasPrefix(name, "proj/") {
			continue
		}
		if after[name] != content {
			t.Errorf("%s outside the target changed: %q, was %q", name, after[name], content)
		}
	}
	for _, kept := range []string{"proj/run.log", "proj/logs/x.log"} {
		if _, ok := after[kept]; !ok {
			t.Errorf("ignored %s was removed from the module", kept)
		}
	}
	_, oldThere := after["proj/old.py"]
	_, staleThere := after["proj/stale/"]
	if oldThere == deleted || staleThere == deleted {
		t.Errorf("with delete=%v: old.py there %v, stale/ there %v", deleted, oldThere, staleThere)
	}
}

// Deleting never leaves the target folder: not for names that start
// like it, not for a plan changed by hand, not for a target outside
// /usr and /bak.
func TestSyncDeleteNeverLeavesTheTarget(t *testing.T) {
	t.Parallel()
	fs, _, _, ctx := startFS(t, testpeer.Options{Files: onModule})
	before := moduleTree(ctx, t, fs, "/usr")
	local := fstest.MapFS{"only.py": {Data: []byte("x")}}
	plan, err := fs.Sync(ctx, local, "/usr/proj/", SyncOptions{Delete: true}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if plan.Remote != "/usr/proj" {
		t.Errorf("target %q", plan.Remote)
	}
	after := moduleTree(ctx, t, fs, "/usr")
	for name, content := range before {
		if !strings.HasPrefix(name, "proj/") && after[name] != content {
			t.Errorf("%s outside the target: %q, was %q", name, after[name], content)
		}
	}
	for name := range after {
		if strings.HasPrefix(name, "proj/") && name != "proj/" && name != "proj/only.py" {
			t.Errorf("%s is left in the target", name)
		}
	}
	tampered := []SyncPlan{
		{Remote: "/usr/proj", Items: []SyncItem{{Path: "../proj2/keep.py", Action: SyncDelete}}},
		{Remote: "/usr/proj", Items: []SyncItem{{Path: "/projector.py", Action: SyncDelete}}},
		{Remote: "/usr/proj", Items: []SyncItem{{Path: "", Action: SyncRmdir}}},
		{Remote: "/", Items: []SyncItem{{Path: "usr/main.py", Action: SyncDelete}}},
		{Remote: "/lib", Items: []SyncItem{{Path: "x.py", Action: SyncDelete}}},
	}
	for _, plan := range tampered {
		if _, err := fs.ApplySync(ctx, local, plan, nil); err == nil {
			t.Errorf("plan %+v was carried out", plan)
		}
	}
	if _, err := fs.PlanSync(ctx, local, "/lib", SyncOptions{Delete: true}); !errors.Is(err, ErrOutside) {
		t.Errorf("a target outside /usr and /bak: %v", err)
	}
	if final := moduleTree(ctx, t, fs, "/usr"); !reflect.DeepEqual(final, after) {
		t.Errorf("a refused plan changed the module")
	}
}

func TestSyncIntoAMissingFolderAndConflicts(t *testing.T) {
	t.Parallel()
	fs, _, _, ctx := startFS(t, testpeer.Options{Files: map[string][]byte{"clash/x": []byte("a file in a folder")}})
	dir := t.TempDir()
	for name, content := range map[string]string{"a.py": "A", "sub/b.py": "B", IgnoreFile: "# nothing\n"} {
		path := filepath.Join(dir, filepath.FromSlash(name))
		os.MkdirAll(filepath.Dir(path), 0o755)
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	plan, err := fs.Sync(ctx, os.DirFS(dir), "/usr/new/deeper", SyncOptions{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, it := range plan.Items {
		got = append(got, string(it.Action)+" "+it.Path)
	}
	sort.Strings(got)
	if want := []string{"add a.py", "add sub/b.py", "mkdir ", "mkdir sub"}; !reflect.DeepEqual(got, want) {
		t.Errorf("plan %v, want %v", got, want)
	}
	tree := moduleTree(ctx, t, fs, "/usr/new")
	if tree["deeper/a.py"] != "A" || tree["deeper/sub/b.py"] != "B" || len(tree) != 4 {
		t.Errorf("module holds %v", tree)
	}
	clash := fstest.MapFS{"clash": {Data: []byte("a file here, a folder there")}}
	if _, err := fs.PlanSync(ctx, clash, "/usr", SyncOptions{Delete: true}); !errors.Is(err, ErrSyncConflict) {
		t.Errorf("file against folder: %v, want ErrSyncConflict", err)
	}
}
