package desktop

import (
	"errors"
	"testing"

	"github.com/zalando/go-keyring"

	"qpyhub/app/secretstore"
)

func TestKeyStoreAdapter(t *testing.T) {
	keyring.MockInit() // go-keyring's in-memory store, as secretstore's own tests use
	k := keyStore{store: secretstore.New("qpyhub-adapter-test")}
	if err := k.Available(); err != nil {
		t.Fatalf("Available() = %v with the in-memory store", err)
	}
	if got, err := k.Load("device:hub/dev-01"); got != "" || err != nil {
		t.Fatalf("Load of nothing = %q, %v; want \"\", nil", got, err)
	}
	if err := k.Save("device:hub/dev-01", "a2V5"); err != nil {
		t.Fatal(err)
	}
	if got, err := k.Load("device:hub/dev-01"); got != "a2V5" || err != nil {
		t.Fatalf("Load = %q, %v", got, err)
	}
	if err := k.Delete("device:hub/dev-01"); err != nil {
		t.Fatal(err)
	}
	if got, err := k.Load("device:hub/dev-01"); got != "" || err != nil {
		t.Fatalf("Load after Delete = %q, %v; want \"\", nil", got, err)
	}
}

func TestKeyStoreErrorsReadAsSentences(t *testing.T) {
	unavailable := &secretstore.UnavailableError{Err: errors.New("no dbus")}
	if got := forUser(unavailable); got != unavailable {
		t.Errorf("forUser changed an UnavailableError into %v", got)
	}
	cause := errors.New("secretstore: the secret is too long for the system's store")
	got := forUser(cause)
	var refused *refusedError
	if !errors.As(got, &refused) || !errors.Is(got, cause) {
		t.Fatalf("forUser(%v) = %#v, want a refusedError keeping the cause", cause, got)
	}
	if got.Error() == cause.Error() {
		t.Error("the store's own wording reaches the user")
	}
	if forUser(nil) != nil {
		t.Error("forUser(nil) is not nil")
	}
}
