package hubsim

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"
)

// Limits of the files the hub hosts for updates over the air. A module's
// flash is a few MiB, so a bigger file is a mistake; the total bounds
// what a long-running local hub keeps (the oldest go first).
const (
	MaxHostedFile  = 4 << 20
	MaxHostedTotal = 64 << 20
)

// fileStore keeps hosted files by SHA-256: in a folder beside the
// registry file when the hub has one (they survive a restart), in memory
// otherwise.
type fileStore struct {
	mu    sync.Mutex
	dir   string // "" = memory only
	files map[string]*hostedFile
	total int64
	limit int64 // MaxHostedTotal; smaller in tests
	now   func() time.Time
}

type hostedFile struct {
	size   int64
	data   []byte // memory mode only
	stored time.Time
}

// filesDir is where a registry file's hosted files live: hub.json keeps
// them in hub.json.files/.
func filesDir(registryFile string) string {
	if registryFile == "" {
		return ""
	}
	return registryFile + ".files"
}

// newFileStore opens the store, loading the files a previous run kept and
// dropping any whose bytes no longer match their name.
func newFileStore(dir string, now func() time.Time) (*fileStore, error) {
	st := &fileStore{dir: dir, files: map[string]*hostedFile{}, limit: MaxHostedTotal, now: now}
	if dir == "" {
		return st, nil
	}
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return st, nil
	}
	if err != nil {
		return nil, fmt.Errorf("hubsim: read hosted files in %s: %w", dir, err)
	}
	for _, e := range entries {
		name := e.Name()
		if !isDigest(name) || !e.Type().IsRegular() {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil || digestOf(b) != name {
			_ = os.Remove(filepath.Join(dir, name)) // a torn or altered copy is worse than none
			continue
		}
		info, err := e.Info()
		if err != nil {
			continue
		}
		st.files[name] = &hostedFile{size: int64(len(b)), stored: info.ModTime()}
		st.total += int64(len(b))
	}
	st.evictLocked(0)
	return st, nil
}

// put keeps data under its digest and says whether it is new. The caller
// has checked the digest and the size.
func (st *fileStore) put(digest string, data []byte) (created bool, err error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	if f, ok := st.files[digest]; ok {
		f.stored = st.now() // fresh again: the last to go
		if st.dir != "" {
			_ = os.Chtimes(filepath.Join(st.dir, digest), f.stored, f.stored)
		}
		return false, nil
	}
	st.evictLocked(int64(len(data)))
	f := &hostedFile{size: int64(len(data)), stored: st.now()}
	if st.dir == "" {
		f.data = data
	} else if err := st.writeLocked(digest, data, f.stored); err != nil {
		return false, err
	}
	st.files[digest] = f
	st.total += f.size
	return true, nil
}

// writeLocked writes a file atomically: a temporary file, then a rename.
func (st *fileStore) writeLocked(digest string, data []byte, stored time.Time) error {
	if err := os.MkdirAll(st.dir, 0o700); err != nil {
		return fmt.Errorf("hubsim: keep hosted file in %s: %w", st.dir, err)
	}
	tmp, err := os.CreateTemp(st.dir, ".upload-*.tmp")
	if err != nil {
		return fmt.Errorf("hubsim: keep hosted file in %s: %w", st.dir, err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("hubsim: keep hosted file in %s: %w", st.dir, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("hubsim: keep hosted file in %s: %w", st.dir, err)
	}
	target := filepath.Join(st.dir, digest)
	if err := os.Rename(tmp.Name(), target); err != nil {
		return fmt.Errorf("hubsim: keep hosted file in %s: %w", st.dir, err)
	}
	_ = os.Chtimes(target, stored, stored)
	return nil
}

// evictLocked drops the files stored longest ago until room more bytes
// fit under the limit.
func (st *fileStore) evictLocked(room int64) {
	if st.total+room <= st.limit {
		return
	}
	digests := make([]string, 0, len(st.files))
	for d := range st.files {
		digests = append(digests, d)
	}
	sort.Slice(digests, func(i, j int) bool { return st.files[digests[i]].stored.Before(st.files[digests[j]].stored) })
	for _, d := range digests {
		if st.total+room <= st.limit {
			return
		}
		st.total -= st.files[d].size
		delete(st.files, d)
		if st.dir != "" {
			_ = os.Remove(filepath.Join(st.dir, d))
		}
	}
}

// open returns a hosted file's content to serve, or ok false.
func (st *fileStore) open(digest string) (content io.ReadSeekCloser, size int64, stored time.Time, ok bool) {
	st.mu.Lock()
	defer st.mu.Unlock()
	f, ok := st.files[digest]
	if !ok {
		return nil, 0, time.Time{}, false
	}
	if st.dir == "" {
		return nopCloser{bytes.NewReader(f.data)}, f.size, f.stored, true
	}
	// Opened under the lock, so an eviction cannot slip between the look-up
	// and the open; once open, the bytes stay readable even if evicted.
	file, err := os.Open(filepath.Join(st.dir, digest))
	if err != nil {
		return nil, 0, time.Time{}, false
	}
	return file, f.size, f.stored, true
}

type nopCloser struct{ *bytes.Reader }

func (nopCloser) Close() error { return nil }

// isDigest accepts 64 lowercase hex digits, a SHA-256 as URLs carry it.
func isDigest(s string) bool {
	if len(s) != 64 || strings.ToLower(s) != s {
		return false
	}
	_, err := hex.DecodeString(s)
	return err == nil
}

func digestOf(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
