package secretstore

import (
	"errors"
	"fmt"
	"os"
	"testing"

	"github.com/zalando/go-keyring"
)

// realAvailable is Available() against the real OS store, and realTrip
// what a save, load and delete there did, both done before any test
// installs go-keyring's in-memory store (which cannot be undone).
var (
	realAvailable error
	realTrip      []string
)

func TestMain(m *testing.M) {
	realAvailable = New("qpyhub-test").Available()
	if realAvailable == nil {
		realTrip = roundTrip(New("qpyhub-test"), fmt.Sprintf("trip-%d", os.Getpid()))
	}
	keyring.MockInit()
	os.Exit(m.Run())
}

// roundTrip saves, overwrites, loads and deletes one secret in s and
// returns what went wrong, if anything.
func roundTrip(s Store, name string) (problems []string) {
	const secret = "c2VjcmV0LWtleS1vZi1kZXYx/+="
	if err := s.Save(name, "first"); err != nil {
		return []string{"save: " + err.Error()}
	}
	if err := s.Save(name, secret); err != nil {
		problems = append(problems, "overwrite: "+err.Error())
	}
	if got, err := s.Load(name); err != nil || got != secret {
		problems = append(problems, fmt.Sprintf("load = %q, %v; want the secret saved last", got, err))
	}
	if err := s.Delete(name); err != nil {
		problems = append(problems, "delete: "+err.Error())
	}
	if _, err := s.Load(name); !errors.Is(err, ErrNotFound) {
		problems = append(problems, fmt.Sprintf("load after delete: %v, want ErrNotFound", err))
	}
	return problems
}

// TestRealStoreRoundTrip checks the OS store itself (the Secret Service on
// Linux, which .ci/run starts). Where there is none it has nothing to
// check and says so, unless QPYHUB_REQUIRE_SECRET_SERVICE asks for one.
func TestRealStoreRoundTrip(t *testing.T) {
	if want, why := expectStore(t); !want {
		if os.Getenv("QPYHUB_REQUIRE_SECRET_SERVICE") != "" {
			t.Fatalf("QPYHUB_REQUIRE_SECRET_SERVICE is set, but %s", why)
		}
		t.Skip("no OS credential store here: " + why)
	}
	if realAvailable != nil {
		t.Fatalf("Available() = %v", realAvailable)
	}
	for _, p := range realTrip {
		t.Error(p)
	}
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
