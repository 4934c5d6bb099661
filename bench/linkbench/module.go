package main

import (
	"context"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"time"

	"qpyhub/device/modfs"
	"qpyhub/device/repl"
)

// syncAgentArg makes this binary sync a folder and exit: the engine that
// "qpyhub fs sync" calls, in a process of its own, as mpremote is.
const syncAgentArg = "sync-agent"

func runSyncAgent(args []string) int {
	flags := flag.NewFlagSet(syncAgentArg, flag.ContinueOnError)
	port := flags.String("port", "", "the module's port")
	dir := flags.String("dir", "", "the local folder")
	remote := flags.String("remote", "/usr", "the module folder")
	if err := flags.Parse(args); err != nil {
		return 2
	}
	ctx, cancel := context.WithTimeout(context.Background(), runTimeout)
	defer cancel()
	if err := syncOnce(ctx, *port, *dir, *remote); err != nil {
		fmt.Fprintln(os.Stderr, "sync:", err)
		return 1
	}
	return 0
}

// withFS runs op over a session on port, closed after.
func withFS(ctx context.Context, port string, op func(*modfs.FS, *repl.Session) error) error {
	ctx, cancel := context.WithTimeout(ctx, runTimeout)
	defer cancel()
	s, err := repl.Open(ctx, port, repl.Options{})
	if err != nil {
		return err
	}
	defer s.Close()
	return op(modfs.New(s, modfs.Options{}), s)
}

func syncOnce(ctx context.Context, port, dir, remote string) error {
	return withFS(ctx, port, func(fs *modfs.FS, _ *repl.Session) error {
		_, err := fs.Sync(ctx, os.DirFS(dir), remote, modfs.SyncOptions{}, nil)
		return err
	})
}

func putFile(ctx context.Context, port, local, remote string) error {
	return withFS(ctx, port, func(fs *modfs.FS, _ *repl.Session) error {
		f, err := os.Open(local)
		if err != nil {
			return err
		}
		defer f.Close()
		st, err := f.Stat()
		if err != nil {
			return err
		}
		return fs.Put(ctx, remote, f, st.Size(), nil)
	})
}

// removeTree removes a folder and all it holds, if it is there.
func removeTree(ctx context.Context, port, dir string) error {
	code := `import uos
def _rm(p):
    if uos.stat(p)[0] & 0x4000:
        for n in uos.listdir(p):
            _rm(p + '/' + n)
        uos.rmdir(p)
    else:
        uos.remove(p)
try:
    _rm(` + "'" + dir + "'" + `)
except OSError:
    pass
`
	return withFS(ctx, port, func(_ *modfs.FS, s *repl.Session) error {
		_, err := s.Exec(ctx, code)
		return err
	})
}

// softReset restarts the module's interpreter and waits for its prompt:
// what it held (the check left by an earlier run) is gone.
func softReset(ctx context.Context, port string) error {
	return withFS(ctx, port, func(_ *modfs.FS, s *repl.Session) error {
		if _, err := s.SoftReset(ctx); err != nil {
			return err
		}
		fctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		_, err := s.Follow(fctx, ">>> ")
		return err
	})
}

func randomData(n int, seed uint64) []byte {
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(rng.UintN(256))
	}
	return b
}

// writeProject writes a 30-file Python project of about 90 KiB: a few
// folders, files of 1 to 6 KiB.
func writeProject(dir string) error {
	rng := rand.New(rand.NewPCG(30, 30))
	for i := range 30 {
		sub := []string{"", "lib", "lib/drivers", "app"}[i%4]
		path := filepath.Join(dir, filepath.FromSlash(sub), fmt.Sprintf("module_%02d.py", i))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		var b strings.Builder
		fmt.Fprintf(&b, "# module %d of the bench project\nimport utime\n\n", i)
		for j := 0; b.Len() < 1024+rng.IntN(5*1024); j++ {
			fmt.Fprintf(&b, "def handler_%d(msg, retries=%d):\n    # reply to message %d\n    if msg.get('id') == %d:\n        return {'ok': True, 'at': utime.time(), 'n': %d}\n    return None\n\n",
				j, rng.IntN(9), j, rng.IntN(1000), j)
		}
		if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
			return err
		}
	}
	return nil
}
