package modfs

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"qpyhub/device/repl"
	"qpyhub/device/testpeer"
)

const testTimeout = 60 * time.Second

// startFS runs a peer and answers its file system.
func startFS(t *testing.T, opts testpeer.Options) (*FS, *repl.Session, *testpeer.Peer, context.Context) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	t.Cleanup(cancel)
	p, err := testpeer.Start(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	s, err := repl.Open(ctx, p.Path(), repl.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return New(s, Options{}), s, p, ctx
}

// pattern answers n bytes cycling through all 256 values, or text.
func pattern(n int, binary bool) []byte {
	b := make([]byte, n)
	for i := range b {
		if binary {
			b[i] = byte(i*7 + i/256)
		} else {
			b[i] = "QuecPython 模组 line\n"[i%len("QuecPython 模组 line\n")]
		}
	}
	return b
}

func TestRoundTrip(t *testing.T) {
	sizes := []int{0, 1, 255, 256, 257, 100 * 1024}
	for _, hashless := range []bool{false, true} {
		t.Run(fmt.Sprintf("without uhashlib=%v", hashless), func(t *testing.T) {
			t.Parallel()
			fs, s, _, ctx := startFS(t, testpeer.Options{})
			if hashless {
				// Firmware without uhashlib: the byte-sum check takes over.
				if _, err := s.Exec(ctx, "import sys\nsys.modules['uhashlib'] = 0"); err != nil {
					t.Fatal(err)
				}
			}
			for _, size := range sizes {
				for _, binary := range []bool{false, true} {
					data := pattern(size, binary)
					name := fmt.Sprintf("/usr/f_%d_%v.bin", size, binary)
					var last int64 = -1
					err := fs.Put(ctx, name, bytes.NewReader(data), int64(len(data)), func(done, total int64) {
						if done < last || total != int64(len(data)) {
							t.Errorf("progress went %d -> %d of %d", last, done, total)
						}
						last = done
					})
					if err != nil {
						t.Fatalf("Put %s: %v", name, err)
					}
					if size > 0 && last != int64(size) {
						t.Errorf("Put %s: progress ended at %d", name, last)
					}
					var got bytes.Buffer
					n, err := fs.Get(ctx, name, &got, nil)
					if err != nil || n != int64(size) || !bytes.Equal(got.Bytes(), data) {
						t.Fatalf("Get %s: %d bytes, %v; equal %v", name, n, err, bytes.Equal(got.Bytes(), data))
					}
				}
			}
			entries, err := fs.List(ctx, "/usr")
			if err != nil {
				t.Fatal(err)
			}
			if len(entries) != 2*len(sizes) {
				t.Fatalf("List: %d entries, want %d (no .part left): %+v", len(entries), 2*len(sizes), entries)
			}
			for _, e := range entries {
				var size int64
				fmt.Sscanf(e.Name, "f_%d_", &size)
				if e.Size != size || e.IsDir || strings.HasSuffix(e.Name, partSuffix) {
					t.Errorf("entry %+v, want size %d", e, size)
				}
			}
		})
	}
}

// endless reads zeros for ever, as /dev/zero does.
type endless struct{}

func (endless) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

func TestFileOperations(t *testing.T) {
	t.Parallel()
	fs, _, _, ctx := startFS(t, testpeer.Options{Files: map[string][]byte{
		"app/main.py": []byte("print('模组 running', 6 * 7)\n"),
		"bad.py":      []byte("raise ValueError('no config')\n"),
		"reader.py":   []byte("open('/usr/no_config.json')\n"),
		"old.txt":     []byte("old content"),
	}})
	steps := []struct {
		name string
		do   func() error
		want error // nil: success
	}{
		{"mkdir", func() error { return fs.Mkdir(ctx, "/usr/logs") }, nil},
		{"mkdir again", func() error { return fs.Mkdir(ctx, "/usr/logs") }, ErrExists},
		{"mkdir without parent", func() error { return fs.Mkdir(ctx, "/usr/no/such") }, ErrNotFound},
		{"put replaces", func() error { return fs.Put(ctx, "/usr/old.txt", strings.NewReader("new"), 3, nil) }, nil},
		{"put into a missing folder", func() error { return fs.Put(ctx, "/usr/none/x.txt", strings.NewReader("x"), 1, nil) }, ErrNotFound},
		{"put with a short reader", func() error { return fs.Put(ctx, "/usr/short.txt", strings.NewReader("ab"), 5, nil) }, ErrLocalChanged},
		{"put from a source that never ends", func() error { return fs.Put(ctx, "/usr/zero.bin", endless{}, 5000, nil) }, ErrLocalChanged},
		{"put outside /usr", func() error { return fs.Put(ctx, "/lib/x.py", strings.NewReader("x"), 1, nil) }, ErrOutside},
		{"put with ..", func() error { return fs.Put(ctx, "/usr/../x", strings.NewReader("x"), 1, nil) }, ErrBadPath},
		{"put chinese name", func() error { return fs.Put(ctx, "/usr/配置.json", strings.NewReader("{}"), 2, nil) }, nil},
		{"get missing", func() error { _, err := fs.Get(ctx, "/usr/missing.txt", &bytes.Buffer{}, nil); return err }, ErrNotFound},
		{"get a folder", func() error { _, err := fs.Get(ctx, "/usr/app", &bytes.Buffer{}, nil); return err }, ErrIsDir},
		{"list missing", func() error { _, err := fs.List(ctx, "/usr/missing"); return err }, ErrNotFound},
		{"remove missing", func() error { return fs.Remove(ctx, "/usr/missing.txt") }, ErrNotFound},
		{"remove non-empty folder", func() error { return fs.Remove(ctx, "/usr/app") }, ErrNotEmpty},
		{"remove empty folder", func() error { return fs.Remove(ctx, "/usr/logs") }, nil},
		{"run missing", func() error { _, err := fs.Run(ctx, "/usr/missing.py"); return err }, ErrNotFound},
		{"run raising script", func() error { _, err := fs.Run(ctx, "/usr/bad.py"); return err }, ErrScript},
		// The script's own missing file is the script's failure, not a wrong path.
		{"run a script that opens a missing file", func() error { _, err := fs.Run(ctx, "/usr/reader.py"); return err }, ErrScript},
		{"stat a folder", func() error {
			e, err := fs.Stat(ctx, "/usr/app")
			if err == nil && (!e.IsDir || e.Name != "app") {
				err = fmt.Errorf("stat /usr/app: %+v", e)
			}
			return err
		}, nil},
		{"stat a file", func() error {
			e, err := fs.Stat(ctx, "/usr/old.txt")
			if err == nil && (e.IsDir || e.Size != 3 || e.Name != "old.txt") {
				err = fmt.Errorf("stat /usr/old.txt: %+v", e)
			}
			return err
		}, nil},
		{"stat missing", func() error { _, err := fs.Stat(ctx, "/usr/missing.txt"); return err }, ErrNotFound},
	}
	for _, st := range steps {
		err := st.do()
		if st.want == nil && err != nil {
			t.Errorf("%s: %v", st.name, err)
		}
		if st.want != nil && !errors.Is(err, st.want) {
			t.Errorf("%s: %v, want %v", st.name, err, st.want)
		}
	}
	res, err := fs.Run(ctx, "/usr/app/main.py")
	if err != nil || res.Stdout != "模组 running 42\n" {
		t.Errorf("Run: %q, %v", res.Stdout, err)
	}
	var got bytes.Buffer
	if _, err := fs.Get(ctx, "/usr/old.txt", &got, nil); err != nil || got.String() != "new" {
		t.Errorf("replaced file: %q, %v", got.String(), err)
	}
	entries, err := fs.List(ctx, "/usr")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, fmt.Sprintf("%s:%v", e.Name, e.IsDir))
	}
	if want := "app:true bad.py:false old.txt:false reader.py:false 配置.json:false"; strings.Join(names, " ") != want {
		t.Errorf("List: %s, want %s", strings.Join(names, " "), want)
	}
}

func TestUploadInterruptedByUnplug(t *testing.T) {
	t.Parallel()
	flash := t.TempDir()
	old := []byte(`{"host":"old.azure-devices.net"}`)
	if err := os.WriteFile(filepath.Join(flash, "cfg.json"), old, 0o644); err != nil {
		t.Fatal(err)
	}
	fs, _, p, ctx := startFS(t, testpeer.Options{FlashDir: flash})
	data := pattern(100*1024, true)
	err := fs.Put(ctx, "/usr/cfg.json", bytes.NewReader(data), int64(len(data)), func(done, total int64) {
		if done >= 30*1024 {
			p.Kill()
		}
	})
	if !errors.Is(err, repl.ErrPortGone) {
		t.Fatalf("Put during unplug: %v, want ErrPortGone", err)
	}
	got, err := os.ReadFile(filepath.Join(flash, "cfg.json"))
	if err != nil || !bytes.Equal(got, old) {
		t.Fatalf("after the unplug cfg.json is %q (%v), want the old content", got, err)
	}
	// Plugged in again: the module still lists the old file.
	fs2, _, _, ctx2 := startFS(t, testpeer.Options{FlashDir: flash})
	var back bytes.Buffer
	if _, err := fs2.Get(ctx2, "/usr/cfg.json", &back, nil); err != nil || !bytes.Equal(back.Bytes(), old) {
		t.Fatalf("after reconnecting cfg.json is %q (%v)", back.Bytes(), err)
	}
}
