// Package secretstore keeps a key the user asked to remember in the
// operating system's credential store (Windows Credential Manager, macOS
// Keychain, the Secret Service on Linux), never in a file of ours: on a
// shared laptop the OS store is tied to the user's login. Nothing is
// remembered unless the user ticks "Remember this key".
package secretstore

import (
	"errors"
	"fmt"

	"fyne.io/fyne/v2/lang"
	"github.com/zalando/go-keyring"
)

// probeName is looked up by Available: a name nobody saves under, so
// "not found" proves the store answered.
const probeName = "qpyhub-availability-check"

// ErrNotFound says nothing is remembered under that name.
var ErrNotFound = errors.New("secretstore: nothing remembered under that name")

// UnavailableError says the OS credential store cannot be used (on Linux:
// no D-Bus session bus, or no Secret Service such as GNOME Keyring or
// KWallet on it). Err is the store's own error, for the log.
type UnavailableError struct{ Err error }

func (e *UnavailableError) Error() string {
	return lang.L("The system's credential store is not available: the key is not remembered.")
}

func (e *UnavailableError) Unwrap() error { return e.Err }

// Store remembers secrets under one service name in the OS store.
type Store struct {
	service string
}

// New returns the store for service, e.g. "qpyhub".
func New(service string) Store {
	return Store{service: service}
}

// Available is nil when the OS store answers, else an *UnavailableError.
// It may show the system's unlock prompt, so call it when the user ticks
// the box, not when a screen opens.
func (s Store) Available() error {
	_, err := keyring.Get(s.service, probeName)
	if err == nil || errors.Is(err, keyring.ErrNotFound) {
		return nil
	}
	return &UnavailableError{Err: err}
}

// Save remembers secret under name, replacing what was there.
func (s Store) Save(name, secret string) error {
	if name == "" || secret == "" {
		return errors.New("secretstore: empty name or secret")
	}
	if err := keyring.Set(s.service, name, secret); err != nil {
		return s.storeErr(err)
	}
	return nil
}

// Load returns the secret remembered under name, or ErrNotFound.
func (s Store) Load(name string) (string, error) {
	secret, err := keyring.Get(s.service, name)
	if err != nil {
		return "", s.storeErr(err)
	}
	return secret, nil
}

// Delete forgets name; forgetting what was never remembered is not an error.
func (s Store) Delete(name string) error {
	if err := keyring.Delete(s.service, name); err != nil && !errors.Is(err, keyring.ErrNotFound) {
		return s.storeErr(err)
	}
	return nil
}

// storeErr turns the store's answer into ErrNotFound, a size complaint,
// or an *UnavailableError. The store's own errors never carry the secret.
func (s Store) storeErr(err error) error {
	switch {
	case errors.Is(err, keyring.ErrNotFound):
		return ErrNotFound
	case errors.Is(err, keyring.ErrSetDataTooBig):
		return fmt.Errorf("secretstore: the secret is too long for the system's store: %w", err)
	}
	return &UnavailableError{Err: err}
}
