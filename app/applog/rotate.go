package applog

import (
	"errors"
	"fmt"
	"os"
	"sync"
)

// rotatingFile is an append-only log file that moves itself aside when
// it would grow past max: name → name.1 → … → name.keep, the oldest
// dropped. It keeps a technician's disk from filling on a laptop that
// runs the tool for months.
type rotatingFile struct {
	path string
	max  int64
	keep int

	mu   sync.Mutex
	f    *os.File
	size int64
}

func openRotating(path string, max int64, keep int) (*rotatingFile, error) {
	r := &rotatingFile{path: path, max: max, keep: keep}
	if err := r.open(); err != nil {
		return nil, err
	}
	return r, nil
}

// open appends to the current file; private, as a log names devices and hubs.
func (r *rotatingFile) open() error {
	f, err := os.OpenFile(r.path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return fmt.Errorf("log file: %w", err)
	}
	info, err := f.Stat()
	if err != nil {
		_ = f.Close()
		return fmt.Errorf("log file: %w", err)
	}
	r.f, r.size = f, info.Size()
	return nil
}

// Write appends p, rotating first when p would take the file past max.
// A record is never split across two files.
func (r *rotatingFile) Write(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.f == nil {
		return 0, os.ErrClosed
	}
	if r.size > 0 && r.size+int64(len(p)) > r.max {
		if err := r.rotate(); err != nil {
			return 0, err
		}
	}
	n, err := r.f.Write(p)
	r.size += int64(n)
	return n, err
}

// rotate closes the file before renaming it (Windows cannot rename an
// open file) and always reopens one, so a failed rename (another
// qpyhub holding the file) costs the size limit, not the log.
func (r *rotatingFile) rotate() error {
	closeErr := r.f.Close()
	r.f = nil
	var renameErr error
	if closeErr == nil {
		renameErr = r.shift()
	}
	if err := r.open(); err != nil {
		return errors.Join(closeErr, renameErr, err)
	}
	if renameErr != nil {
		r.size = 0 // try again after another max bytes, not on every write
	}
	return nil
}

// shift moves name.i to name.i+1 from the oldest down, then name to name.1.
func (r *rotatingFile) shift() error {
	if err := os.Remove(r.numbered(r.keep)); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	for i := r.keep - 1; i >= 1; i-- {
		if err := os.Rename(r.numbered(i), r.numbered(i+1)); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	return os.Rename(r.path, r.numbered(1))
}

func (r *rotatingFile) numbered(i int) string { return fmt.Sprintf("%s.%d", r.path, i) }

// Close closes the current file; later writes fail with os.ErrClosed.
func (r *rotatingFile) Close() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.f == nil {
		return nil
	}
	err := r.f.Close()
	r.f = nil
	return err
}
