package secretstore

import (
	"errors"
	"os"
	"testing"

	"github.com/zalando/go-keyring"
)

// realAvailable is Available() against the real OS store, asked before
// any test installs go-keyring's in-memory store (which cannot be undone).
var realAvailable error

func TestMain(m *testing.M) {
	realAvailable = New("qpyhub-test").Available()
	keyring.MockInit()
	os.Exit(m.Run())
}

func TestAvailableMatchesThisMachine(t *testing.T) {
	want, why := expectStore(t)
	var unavailable *UnavailableError
	switch {
	case want && realAvailable != nil:
		t.Errorf("Available() = %v, but %s", realAvailable, why)
	case !want && !errors.As(realAvailable, &unavailable):
		t.Errorf("Available() = %v, want *UnavailableError: %s", realAvailable, why)
	case !want && unavailable.Unwrap() == nil:
		t.Error("the error does not carry the store's own cause")
	}
}

func TestRoundTrip(t *testing.T) {
	s := New("qpyhub")
	if err := s.Available(); err != nil {
		t.Fatalf("Available() = %v with the in-memory store", err)
	}
	if _, err := s.Load("tray-01"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Load before Save: %v, want ErrNotFound", err)
	}
	if err := s.Save("tray-01", "first-key"); err != nil {
		t.Fatal(err)
	}
	if err := s.Save("tray-01", "second-key"); err != nil {
		t.Fatal(err)
	}
	if got, err := s.Load("tray-01"); err != nil || got != "second-key" {
		t.Fatalf("Load = %q, %v; want the key saved last", got, err)
	}
	if got, err := New("other").Load("tray-01"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("another service sees %q, %v", got, err)
	}
	if err := s.Delete("tray-01"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Load("tray-01"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Load after Delete: %v, want ErrNotFound", err)
	}
	if err := s.Delete("tray-01"); err != nil {
		t.Fatalf("deleting twice: %v", err)
	}
}

func TestSaveRefusesEmptyValues(t *testing.T) {
	s := New("qpyhub")
	if s.Save("", "k") == nil || s.Save("tray-01", "") == nil {
		t.Error("an empty name or secret was saved")
	}
}

func TestAStoreThatFailsIsUnavailable(t *testing.T) {
	cause := errors.New("org.freedesktop.secrets was not provided by any .service files")
	keyring.MockInitWithError(cause)
	defer keyring.MockInit()
	s := New("qpyhub")
	for name, err := range map[string]error{"Available": s.Available(), "Save": s.Save("tray-01", "k"), "Delete": s.Delete("tray-01")} {
		var unavailable *UnavailableError
		if !errors.As(err, &unavailable) || !errors.Is(err, cause) {
			t.Errorf("%s: %v, want *UnavailableError wrapping the cause", name, err)
		}
	}
	if _, err := s.Load("tray-01"); !errors.Is(err, cause) {
		t.Errorf("Load: %v, want the cause", err)
	}
}
