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

// Store is a fyne.Preferences backed by a file. Every change is on disk
// when the setter returns.
type Store struct {
	path string

	mu        sync.Mutex // guards values and listeners
	values    map[string]any
	listeners []func()

	writeMu   sync.Mutex // keeps writes in the order of the changes; guards keepAside
	keepAside bool       // the file on disk was unreadable: move it, don't overwrite it
	onError   func(error)
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

// set stores value, writes the file when it changed and tells the
// listeners.
func (s *Store) set(key string, value any) {
	s.mu.Lock()
	if old, ok := s.values[key]; ok && reflect.DeepEqual(old, value) {
		s.mu.Unlock()
		return
	}
	s.values[key] = value
	s.mu.Unlock()
	s.changed()
}

// RemoveValue forgets key.
func (s *Store) RemoveValue(key string) {
	s.mu.Lock()
	if _, ok := s.values[key]; !ok {
		s.mu.Unlock()
		return
	}
	delete(s.values, key)
	s.mu.Unlock()
	s.changed()
}

func (s *Store) changed() {
	s.writeMu.Lock()
	err := s.save()
	s.writeMu.Unlock()
	s.mu.Lock()
	onError, listeners := s.onError, append([]func(){}, s.listeners...)
	s.mu.Unlock()
	if err != nil && onError != nil {
		onError(err)
	}
	for _, l := range listeners {
		l()
	}
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
