package uitest

import (
	"maps"
	"slices"
	"sync"
)

// KeyStore is an in-memory widgets.KeyStore; SetUnavailable makes every
// call fail.
type KeyStore struct {
	mu          sync.Mutex
	unavailable error
	keys        map[string]string
	availables  int
	saves       []string // names, in order
	deletes     []string
}

// NewKeyStore holds no key yet.
func NewKeyStore() *KeyStore { return &KeyStore{keys: map[string]string{}} }

// Available implements widgets.KeyStore.
func (f *KeyStore) Available() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.availables++
	return f.unavailable
}

// Save implements widgets.KeyStore.
func (f *KeyStore) Save(name, secret string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.saves = append(f.saves, name)
	if f.unavailable != nil {
		return f.unavailable
	}
	f.keys[name] = secret
	return nil
}

// Load implements widgets.KeyStore.
func (f *KeyStore) Load(name string) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.unavailable != nil {
		return "", f.unavailable
	}
	return f.keys[name], nil
}

// Delete implements widgets.KeyStore.
func (f *KeyStore) Delete(name string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.deletes = append(f.deletes, name)
	if f.unavailable != nil {
		return f.unavailable
	}
	delete(f.keys, name)
	return nil
}

// Snapshot copies what the fake holds and was asked, for assertions.
func (f *KeyStore) Snapshot() (keys map[string]string, availables int, saves, deletes []string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return maps.Clone(f.keys), f.availables, slices.Clone(f.saves), slices.Clone(f.deletes)
}

// SetUnavailable makes every later call fail with err (nil: succeed).
func (f *KeyStore) SetUnavailable(err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.unavailable = err
}

// Put remembers secret under name, as an earlier run would have.
func (f *KeyStore) Put(name, secret string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.keys[name] = secret
}
