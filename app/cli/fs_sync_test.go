//go:build linux

// The test peer runs on a Linux pseudo-terminal.

package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"qpyhub/device/modfs"
	"qpyhub/device/repl"
	"qpyhub/device/testpeer"
)

// readModule answers every file under dir on the module with its content
// and every folder (ending in "/"), read through a session of its own.
func readModule(ctx context.Context, t *testing.T, port, dir string) map[string]string {
	t.Helper()
	s, err := repl.Open(ctx, port, repl.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	fs := modfs.New(s, modfs.Options{})
	out := map[string]string{}
	var walk func(d string)
	walk = func(d string) {
		entries, err := fs.List(ctx, d)
		if err != nil {
			t.Fatalf("List %s: %v", d, err)
		}
		for _, e := range entries {
			p := d + "/" + e.Name
			if e.IsDir {
				out[p+"/"] = ""
				walk(p)
				continue
			}
			var b bytes.Buffer
			if _, err := fs.Get(ctx, p, &b, nil); err != nil {
				t.Fatalf("Get %s: %v", p, err)
			}
			out[p] = b.String()
		}
	}
	walk(dir)
	return out
}

// writeTree writes files (slash paths) under dir.
func writeTree(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// syncProject is the local folder of the sync tests; syncOnModule is what
// the module holds before.
var (
	syncProject = map[string]string{
		".qpyhubignore":   "*.log\n/notes/\n",
		"main.py":         "import app\napp.run()\n",
		"app.py":          "def run():\n    print('v2')\n",
		"lib/util.py":     "X = 1\n",
		"lib/deep/模组.py":  "Y = '模组'\n",
		"debug.log":       "local log, never sent",
		"notes/todo.txt":  "never sent",
		"assets/blob.bin": strings.Repeat("\x00\x01\xff", 700),
	}
	syncOnModule = map[string][]byte{
		"proj/main.py":     []byte("import app\napp.run()\n"),       // same
		"proj/app.py":      []byte("def run():\n    print('v1')\n"), // same size, differs
		"proj/lib/util.py": []byte("X = 100\n"),                     // other size
		"proj/old.py":      []byte("gone with --delete"),
		"proj/stale/a.py":  []byte("a"),
		"proj/run.log":     []byte("ignored: stays"),
		"projector.py":     []byte("a name that starts like the target"),
		"main.py":          []byte("the module's own main"),
	}
)

// runFS runs "qpyhub fs args…" and fails the test on an exit other than
// want.
func runFS(ctx context.Context, t *testing.T, want int, args ...string) (string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	if code := runCommand(ctx, "fs", args, &out, &errOut); code != want {
		t.Fatalf("fs %v: exit %d, want %d; stdout %q stderr %q", args, code, want, out.String(), errOut.String())
	}
	return out.String(), errOut.String()
}

// changeLines are the per-change lines of sync's output (the summary
// lines left out).
func changeLines(stdout string) []string {
	var out []string
	for _, l := range strings.Split(strings.TrimSpace(stdout), "\n") {
		if strings.HasPrefix(l, "Dry run of") || strings.HasPrefix(l, "Synced") || strings.Contains(l, "only on the module") {
			continue
		}
		out = append(out, l)
	}
	return out
}

// The dry run lists exactly what the real run then does, and the module
// afterwards holds exactly that: the folder's files, the removals only
// with --delete, ignored files left alone, nothing outside the target
// touched.
func TestRunFSSyncDryRunIsWhatTheRunDoes(t *testing.T) {
	for _, del := range []bool{false, true} {
		t.Run(fmt.Sprintf("delete=%v", del), func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
			defer cancel()
			peer, err := testpeer.Start(ctx, testpeer.Options{Files: syncOnModule})
			if err != nil {
				t.Fatal(err)
			}
			defer peer.Close()
			dir := t.TempDir()
			writeTree(t, dir, syncProject)
			args := []string{"sync", "--port", peer.Path(), dir, "/usr/proj/"}
			if del {
				args = append(args, "--delete")
			}
			before := readModule(ctx, t, peer.Path(), "/usr")
			dry, _ := runFS(ctx, t, 0, append(args, "--dry-run")...)
			if after := readModule(ctx, t, peer.Path(), "/usr"); !reflect.DeepEqual(after, before) {
				t.Fatalf("the dry run changed the module:\n%v\nwas\n%v", after, before)
			}
			want := []string{
				"mkdir  /usr/proj/assets/", "mkdir  /usr/proj/lib/deep/",
				"change /usr/proj/app.py (27 B)", "add    /usr/proj/assets/blob.bin (2100 B)",
				"add    /usr/proj/lib/deep/模组.py (13 B)", "change /usr/proj/lib/util.py (6 B)",
			}
			if del {
				want = append(want, "delete /usr/proj/old.py", "delete /usr/proj/stale/a.py", "rmdir  /usr/proj/stale/")
			}
			if got := changeLines(dry); !reflect.DeepEqual(got, want) {
				t.Fatalf("dry run lists\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
			real, _ := runFS(ctx, t, 0, args...)
			if got := changeLines(real); !reflect.DeepEqual(got, want) {
				t.Fatalf("the sync did\n%s\nthe dry run said\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
			checkSynced(t, readModule(ctx, t, peer.Path(), "/usr"), before, del)
			again, _ := runFS(ctx, t, 0, append(args, "--dry-run", "--json")...)
			var report fsSyncJSON
			if err := json.Unmarshal([]byte(again), &report); err != nil {
				t.Fatalf("%v in %q", err, again)
			}
			if len(report.Changes) != 0 || report.Unchanged != 5 || !report.DryRun {
				t.Fatalf("after the sync the dry run still finds %+v", report)
			}
		})
	}
}

// checkSynced compares the module after a sync with the project and with
// how the module was.
func checkSynced(t *testing.T, after, before map[string]string, deleted bool) {
	t.Helper()
	for name, content := range syncProject {
		got, ok := after["/usr/proj/"+name]
		ignored := strings.HasSuffix(name, ".log") || strings.HasPrefix(name, "notes/") || name == ".qpyhubignore"
		if ignored && ok {
			t.Errorf("ignored %s was sent", name)
		}
		if !ignored && got != content {
			t.Errorf("/usr/proj/%s on the module: %q, want %q", name, got, content)
		}
	}
	for name, content := range before {
		if !strings.HasPrefix(name, "/usr/proj/") && after[name] != content {
			t.Errorf("%s outside the target changed: %q, was %q", name, after[name], content)
		}
	}
	if after["/usr/proj/run.log"] != "ignored: stays" {
		t.Errorf("the ignored run.log on the module: %q", after["/usr/proj/run.log"])
	}
	for _, p := range []string{"/usr/proj/old.py", "/usr/proj/stale/a.py", "/usr/proj/stale/"} {
		if _, there := after[p]; there == deleted {
			t.Errorf("with --delete=%v, %s there: %v", deleted, p, there)
		}
	}
	for name := range after {
		if strings.HasSuffix(name, ".part") {
			t.Errorf("a part file is left: %s", name)
		}
	}
}

func TestRunFSPutSkipsAnUnchangedFileUnlessForced(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	peer, err := testpeer.Start(ctx, testpeer.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer peer.Close()
	local := filepath.Join(t.TempDir(), "app.py")
	if err := os.WriteFile(local, []byte("print('v1')\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	put := func(extra ...string) (fsPutJSON, bool) {
		t.Helper()
		start := len(peer.Received())
		out, _ := runFS(ctx, t, 0, append([]string{"put", "--port", peer.Path(), "--json", local}, extra...)...)
		var res fsPutJSON
		if err := json.Unmarshal([]byte(out), &res); err != nil {
			t.Fatalf("%v in %q", err, out)
		}
		return res, strings.Contains(string(peer.Received()[start:]), "_qpyw(")
	}
	want := fsPutJSON{Path: "/usr/app.py", Size: 12, Result: "sent"}
	if res, sent := put(); res != want || !sent {
		t.Fatalf("first upload: %+v, data sent %v", res, sent)
	}
	want.Result = "skipped"
	if res, sent := put(); res != want || sent {
		t.Fatalf("the same file again: %+v, data sent %v", res, sent)
	}
	want.Result = "sent"
	if res, sent := put("--force"); res != want || !sent {
		t.Fatalf("forced: %+v, data sent %v", res, sent)
	}
	out, _ := runFS(ctx, t, 0, "put", "--port", peer.Path(), local)
	if !strings.Contains(out, "/usr/app.py is up to date (12 bytes)") || !strings.Contains(out, "--force") {
		t.Errorf("an unchanged file without --json: %q", out)
	}
}

// Ctrl-C in the middle of a file leaves neither the file nor its part.
func TestRunFSSyncInterruptedLeavesNoHalfFile(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	peer, err := testpeer.Start(ctx, testpeer.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer peer.Close()
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{"big.bin": strings.Repeat("QuecPython", 100_000)})
	run, interrupt := context.WithCancel(ctx)
	defer interrupt()
	go func() { // the user presses Ctrl-C once file data is on its way
		for !strings.Contains(string(peer.Received()), "_qpyw(") && run.Err() == nil {
			select {
			case <-run.Done():
			case <-time.After(5 * time.Millisecond):
			}
		}
		interrupt()
	}()
	var out, errOut bytes.Buffer
	if code := runCommand(run, "fs", []string{"sync", "--port", peer.Path(), dir}, &out, &errOut); code != 1 {
		t.Fatalf("exit %d, want 1; stdout %q stderr %q", code, out.String(), errOut.String())
	}
	oneLine(t, "sync interrupted", errOut.String(), "cancelled")
	assertNoFile(ctx, t, peer.Path(), "big.bin")
}
