// Package prefstore keeps the window's preferences in one JSON file.
//
// Fyne's own preferences rewrite their file in place and watch its folder:
// a re-read that lands between the truncate and the write logs "Preferences
// load error: EOF", and a crash at that moment leaves an empty file. This
// store writes a temporary file and renames it over the old one, and
// watches nothing: qpyhub is the only writer.
package prefstore

import (
	"reflect"
	"sync"

	"fyne.io/fyne/v2"
)

// Store is a fyne.Preferences backed by a file. Setters return at once
// (they run on the UI thread, and a synced write can take a while on a
// busy Windows disk); one goroutine writes the file behind them, once for
// a burst of changes. Flush waits for it.
type Store struct {
	path string

	mu        sync.Mutex // guards everything below
	values    map[string]any
	listeners []func()
	onError   func(error)
	dirty     bool       // a change is not written yet
	writing   bool       // the writer goroutine runs
	written   *sync.Cond // signalled when the writer stops
	keepAside bool       // the file on disk was unreadable: move it, don't overwrite it
}

var _ fyne.Preferences = (*Store)(nil)

// OnSaveError sets what happens when a change cannot be written (a full
// disk, a read-only folder): the value is kept for this run either way.
func (s *Store) OnSaveError(f func(error)) {
	s.mu.Lock()
	s.onError = f
	s.mu.Unlock()
}

func (s *Store) value(key string) any {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.values[key]
}

// set stores value under key.
func (s *Store) set(key string, value any) {
	s.update(func(values map[string]any) bool {
		if old, ok := values[key]; ok && reflect.DeepEqual(old, value) {
			return false
		}
		values[key] = value
		return true
	})
}

// RemoveValue forgets key.
func (s *Store) RemoveValue(key string) {
	s.update(func(values map[string]any) bool {
		_, ok := values[key]
		delete(values, key)
		return ok
	})
}

// update applies edit to the values; when edit changed them, it starts
// the writer unless it runs, and tells the listeners.
func (s *Store) update(edit func(values map[string]any) bool) {
	s.mu.Lock()
	if !edit(s.values) {
		s.mu.Unlock()
		return
	}
	s.dirty = true
	if !s.writing && s.path != "" {
		s.writing = true
		go s.write()
	}
	listeners := append([]func(){}, s.listeners...)
	s.mu.Unlock()
	for _, l := range listeners {
		l()
	}
}

// write saves until no change is left unwritten.
func (s *Store) write() {
	s.mu.Lock()
	for s.dirty {
		s.dirty = false
		s.mu.Unlock()
		err := s.save()
		s.mu.Lock()
		if err != nil && s.onError != nil {
			onError := s.onError
			s.mu.Unlock()
			onError(err)
			s.mu.Lock()
		}
	}
	s.writing = false
	s.written.Broadcast()
	s.mu.Unlock()
}

// Flush returns when every change made before it is on disk (or its
// write failed and was reported).
func (s *Store) Flush() {
	s.mu.Lock()
	for s.writing {
		s.written.Wait()
	}
	s.mu.Unlock()
}

// AddChangeListener calls f after every change.
func (s *Store) AddChangeListener(f func()) {
	s.mu.Lock()
	s.listeners = append(s.listeners, f)
	s.mu.Unlock()
}

// ChangeListeners returns the listeners added so far.
func (s *Store) ChangeListeners() []func() {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]func(){}, s.listeners...)
}
