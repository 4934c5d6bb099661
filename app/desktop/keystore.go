package desktop

import (
	"errors"

	"fyne.io/fyne/v2/lang"

	"qpyhub/app/secretstore"
	"qpyhub/ui/widgets"
)

// keyStoreService names qpyhub's entries in the OS credential store.
const keyStoreService = "qpyhub"

// keyStore adapts the OS credential store to what the Credentials screen
// asks of it: nothing remembered is an empty key, and every error reads as
// a sentence for the user.
type keyStore struct{ store secretstore.Store }

func newKeyStore() widgets.KeyStore { return keyStore{store: secretstore.New(keyStoreService)} }

func (k keyStore) Available() error { return forUser(k.store.Available()) }

func (k keyStore) Save(name, secret string) error { return forUser(k.store.Save(name, secret)) }

func (k keyStore) Load(name string) (string, error) {
	secret, err := k.store.Load(name)
	if errors.Is(err, secretstore.ErrNotFound) {
		return "", nil
	}
	return secret, forUser(err)
}

func (k keyStore) Delete(name string) error { return forUser(k.store.Delete(name)) }

// refusedError is the store's answer other than "unavailable", such as a
// key too long for it; Err keeps the cause for the log.
type refusedError struct{ Err error }

func (e *refusedError) Error() string {
	return lang.L("The system's credential store refused the key: it is not remembered.")
}

func (e *refusedError) Unwrap() error { return e.Err }

// forUser leaves an *UnavailableError as it is (its text is already the
// user's) and wraps any other error in a refusedError.
func forUser(err error) error {
	var unavailable *secretstore.UnavailableError
	if err == nil || errors.As(err, &unavailable) {
		return err
	}
	return &refusedError{Err: err}
}
