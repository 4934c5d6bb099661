package prefstore

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
)

// Open reads the preferences at path. When path does not exist yet, the
// first of from that does is read instead (the file an earlier version
// kept); it is left as it was. Open only reads. A file that is not JSON
// gives an empty store and an error saying so; the file is moved to
// "<path>.bad" at the first change rather than overwritten.
func Open(path string, from ...string) (*Store, error) {
	s := newStore(path)
	for _, p := range append([]string{path}, from...) {
		data, err := os.ReadFile(p)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return s, fmt.Errorf("reading preferences %s: %w", p, err)
		}
		if len(data) == 0 {
			return s, nil // an empty file: a crash while an older version wrote it
		}
		if err := json.Unmarshal(data, &s.values); err != nil || s.values == nil {
			s.values = map[string]any{}
			if p != path {
				return s, fmt.Errorf("preferences %s are not readable; starting with defaults", p)
			}
			s.keepAside = true
			return s, fmt.Errorf("preferences %s are not readable; starting with defaults, the file is kept as %s.bad", p, p)
		}
		return s, nil
	}
	return s, nil
}

// InMemory is a store that keeps values for this run only, for when
// there is no folder to keep them in.
func InMemory() *Store { return newStore("") }

func newStore(path string) *Store {
	s := &Store{path: path, values: map[string]any{}}
	s.written = sync.NewCond(&s.mu)
	return s
}

// save writes all values to a temporary file in the same folder and
// renames it over the file, so a reader or a crash sees the old file or
// the new one, never part of one.
// Only the writer goroutine calls it.
func (s *Store) save() error {
	s.mu.Lock()
	data, err := json.MarshalIndent(s.values, "", "  ")
	keepAside := s.keepAside
	s.mu.Unlock()
	if err != nil {
		return fmt.Errorf("encoding preferences: %w", err)
	}
	dir := filepath.Dir(s.path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("saving preferences: %w", err)
	}
	if keepAside {
		if err := os.Rename(s.path, s.path+".bad"); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("keeping the unreadable preferences aside: %w", err)
		}
		s.mu.Lock()
		s.keepAside = false
		s.mu.Unlock()
	}
	tmp, err := os.CreateTemp(dir, ".preferences-*.tmp")
	if err != nil {
		return fmt.Errorf("saving preferences: %w", err)
	}
	_, err = tmp.Write(append(data, '\n'))
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), s.path)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("saving preferences to %s: %w", s.path, err)
	}
	return nil
}
