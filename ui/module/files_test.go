package module

import (
	"bytes"
	"context"
	"io"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"

	"qpyhub/device/modfs"
	"qpyhub/device/repl"
	"qpyhub/ui/internal/uitest"
	"qpyhub/ui/widgets"
)

// fakeFiles is a module file system in memory. putFails, when set, ends
// an upload halfway with that error, as an unplugged cable does.
type fakeFiles struct {
	mu       sync.Mutex
	files    map[string][]byte
	dirs     map[string]bool
	putFails error
	listErr  error
	sync     fakeSync
}

func newFakeFiles() *fakeFiles {
	return &fakeFiles{
		files: map[string][]byte{"/usr/main.py": []byte("print('hello from main')\n" + strings.Repeat("#", 1200))},
		dirs:  map[string]bool{"/usr": true, "/usr/lib": true},
	}
}

func (f *fakeFiles) List(_ context.Context, _, dir string) ([]modfs.Entry, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.listErr != nil {
		return nil, f.listErr
	}
	if !f.dirs[dir] {
		return nil, &modfs.PathError{Op: "list", Path: dir, Cause: modfs.ErrNotFound}
	}
	var out []modfs.Entry
	for d := range f.dirs {
		if d != dir && path.Dir(d) == dir {
			out = append(out, modfs.Entry{Name: path.Base(d), IsDir: true})
		}
	}
	for p, data := range f.files {
		if path.Dir(p) == dir {
			out = append(out, modfs.Entry{Name: path.Base(p), Size: int64(len(data))})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].IsDir != out[j].IsDir {
			return out[i].IsDir
		}
		return out[i].Name < out[j].Name
	})
	return out, nil
}

func (f *fakeFiles) Put(_ context.Context, _, dst string, r io.Reader, size int64, progress modfs.Progress) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	progress(size/2, size)
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.putFails != nil {
		return f.putFails
	}
	progress(size, size)
	f.files[dst] = data
	return nil
}

func (f *fakeFiles) Get(_ context.Context, _, src string, w io.Writer, progress modfs.Progress) (int64, error) {
	f.mu.Lock()
	data, ok := f.files[src]
	f.mu.Unlock()
	if !ok {
		return 0, &modfs.PathError{Op: "get", Path: src, Cause: modfs.ErrNotFound}
	}
	n, err := w.Write(data)
	progress(int64(n), int64(len(data)))
	return int64(n), err
}

func (f *fakeFiles) Remove(_ context.Context, _, p string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.files, p)
	delete(f.dirs, p)
	return nil
}

func (f *fakeFiles) Mkdir(_ context.Context, _, p string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.dirs[p] {
		return &modfs.PathError{Op: "mkdir", Path: p, Cause: modfs.ErrExists}
	}
	f.dirs[p] = true
	return nil
}

func (f *fakeFiles) Run(_ context.Context, _, p string) (string, string, error) {
	return "ran " + p + "\n", "", nil
}

func (f *fakeFiles) has(p string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	_, file := f.files[p]
	return file || f.dirs[p]
}

// openFiles shows the Files tab and waits for /usr to be listed.
func openFiles(t *testing.T, r *moduleRig) *FilesPanel {
	t.Helper()
	r.screen.Tabs.SelectIndex(1)
	p := r.screen.Files
	r.q.RunUntil(t, "the first listing", func() bool { return !p.Busy() })
	return p
}

func (p *FilesPanel) index(name string) int {
	for i, e := range p.entries {
		if e.Name == name {
			return i
		}
	}
	return -1
}

func idleWith(p *FilesPanel, name string, present bool) func() bool {
	return func() bool { return !p.Busy() && (p.index(name) >= 0) == present }
}

func TestFilesListAndNavigate(t *testing.T) {
	r := newModuleRig(t, "/dev/ttyUSB2")
	p := openFiles(t, r)
	text := uitest.ShownText(p.Content())
	for _, want := range []string{"/usr", "lib/", "folder", "main.py", "1.2 KiB"} {
		if !strings.Contains(text, want) {
			t.Errorf("listing does not show %q:\n%s", want, text)
		}
	}
	p.List.Select(p.index("lib"))
	test.Tap(p.Open)
	r.q.RunUntil(t, "/usr/lib", func() bool { return !p.Busy() && p.CurrentDir() == "/usr/lib" })
	if len(p.Entries()) != 0 || !strings.Contains(uitest.ShownText(p.Content()), "0 entries in /usr/lib") {
		t.Errorf("in /usr/lib: %v", p.Entries())
	}
	test.Tap(p.Up)
	r.q.RunUntil(t, "back in /usr", func() bool { return !p.Busy() && p.CurrentDir() == "/usr" })
}

func TestFilesUploadDownloadDelete(t *testing.T) {
	r := newModuleRig(t, "/dev/ttyUSB2")
	p := openFiles(t, r)
	local := filepath.Join(t.TempDir(), "app.py")
	if err := os.WriteFile(local, []byte("print('中文')\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	p.openFile = func(done func(fyne.URIReadCloser, error)) { done(storage.Reader(storage.NewFileURI(local))) }
	test.Tap(p.Upload)
	r.q.RunUntil(t, "app.py listed", idleWith(p, "app.py", true))
	if !r.files.has("/usr/app.py") {
		t.Fatal("upload did not reach the module")
	}

	saved := filepath.Join(t.TempDir(), "copy.py")
	p.saveFile = func(name string, done func(fyne.URIWriteCloser, error)) {
		if name != "app.py" {
			t.Errorf("save dialog proposes %q", name)
		}
		done(storage.Writer(storage.NewFileURI(saved)))
	}
	p.List.Select(p.index("app.py"))
	test.Tap(p.Download)
	r.q.RunUntil(t, "the download", func() bool { return !p.Busy() })
	if got, _ := os.ReadFile(saved); string(got) != "print('中文')\n" {
		t.Errorf("downloaded %q", got)
	}
	if !strings.Contains(p.Message.Text, "Saved /usr/app.py") {
		t.Errorf("message %q", p.Message.Text)
	}

	p.List.Select(p.index("app.py"))
	test.Tap(p.Delete)
	if !r.files.has("/usr/app.py") || p.confirmDelete == nil {
		t.Fatal("deleted before the user confirmed")
	}
	p.confirmDelete.Confirm()
	r.q.RunUntil(t, "app.py gone", idleWith(p, "app.py", false))
	if r.files.has("/usr/app.py") {
		t.Error("file still on the module")
	}
}

func TestFilesUploadInterruptedByUnplug(t *testing.T) {
	r := newModuleRig(t, "/dev/ttyUSB2")
	p := openFiles(t, r)
	r.files.putFails = &repl.PortError{Path: "/dev/ttyUSB2", Err: syscall.EIO}
	p.openFile = func(done func(fyne.URIReadCloser, error)) {
		done(storage.Reader(storage.NewFileURI(writeTemp(t, "big.bin", bytes.Repeat([]byte{7}, 10000)))))
	}
	test.Tap(p.Upload)
	r.q.RunUntil(t, "the failed upload", func() bool { return !p.Busy() })
	text := uitest.ShownText(p.Content())
	for _, want := range []string{"The upload of big.bin did not finish", repl.ErrPortGone.Error()} {
		if !strings.Contains(text, want) {
			t.Errorf("screen does not say %q:\n%s", want, text)
		}
	}
	if p.Progress.Visible() || p.Cancel.Visible() {
		t.Error("progress still shown after the failure")
	}
}

func TestFilesNewFolderAndRunScript(t *testing.T) {
	r := newModuleRig(t, "/dev/ttyUSB2")
	p := openFiles(t, r)
	test.Tap(p.NewFolder)
	test.Type(p.folderName, "data")
	p.folderForm.Submit()
	r.q.RunUntil(t, "data listed", idleWith(p, "data", true))

	p.List.Select(p.index("main.py"))
	test.Tap(p.RunPy)
	r.q.RunUntil(t, "the script to finish", func() bool { return !p.Busy() })
	if !strings.Contains(p.Output.Text, "ran /usr/main.py") || !p.Output.Visible() {
		t.Errorf("script output %q", p.Output.Text)
	}
}

func TestFilesSayWhenTheTerminalHoldsThePort(t *testing.T) {
	r := newModuleRig(t, "/dev/ttyUSB2")
	r.files.listErr = widgets.ErrTerminalHoldsPort
	p := openFiles(t, r)
	if !strings.Contains(p.Message.Text, "Disconnect the terminal first") {
		t.Errorf("message %q", p.Message.Text)
	}
}

func writeTemp(t *testing.T, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}
