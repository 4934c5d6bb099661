package setup

import (
	"errors"
	"qpyhub/ui/internal/uitest"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

// savingStore is the fake key store that also says when a Save ended, so
// a test waits for it instead of guessing.
type savingStore struct {
	*uitest.KeyStore
	saved chan string
}

func (s *savingStore) Save(name, secret string) error {
	err := s.KeyStore.Save(name, secret)
	s.saved <- name
	return err
}

func waitSaved(t *testing.T, s *savingStore) string {
	t.Helper()
	select {
	case name := <-s.saved:
		return name
	case <-time.After(30 * time.Second):
		t.Fatal("the policy string was never saved")
		return ""
	}
}

func TestSetupRemembersThePolicyStringWhenASetupStarts(t *testing.T) {
	store := &savingStore{KeyStore: uitest.NewKeyStore(), saved: make(chan string, 4)}
	r := newSetupRig(t, nil, replPort("/dev/ttyUSB2", "A1"))
	prefs := fyne.CurrentApp().Preferences()
	r.screen.UseKeyStore(store, prefs)
	mem := r.screen.Identity.Remember
	if !mem.Check.Visible() || mem.Check.Checked {
		t.Fatal("the option must be shown, and off by default")
	}

	test.Tap(mem.Check)
	r.q.RunUntil(t, "the store to answer", func() bool { return prefs.Bool(prefRememberPolicy) })
	r.fillNewDevice()
	call := r.start(t)
	if got := waitSaved(t, store); got != policyKeyName {
		t.Fatalf("saved under %q", got)
	}
	r.end(t, call, nil)
	if keys, _, _, _ := store.Snapshot(); keys[policyKeyName] != testPolicyCS {
		t.Fatal("the store does not hold the policy string")
	}
	for _, k := range []string{prefRememberPolicy, "setup.recordFile"} {
		if strings.Contains(prefs.String(k), testPolicyKey) {
			t.Fatalf("preference %s holds the policy key", k)
		}
	}

	// Next time the screen opens, the field is filled, still masked.
	r.build(t, nil)
	r.screen.UseKeyStore(store, prefs)
	field := r.screen.Identity.HubConnString.Entry
	r.q.RunUntil(t, "the saved string to load", func() bool { return field.Text == testPolicyCS })
	if !field.Password || strings.Contains(r.shown(), testPolicyKey) {
		t.Fatal("the loaded policy string is readable on the screen")
	}
}

func TestSetupPolicyMemoryWithoutAStoreSaysSo(t *testing.T) {
	store := uitest.NewKeyStore()
	store.SetUnavailable(errors.New("The system's credential store is not available: the key is not remembered."))
	r := newSetupRig(t, nil, replPort("/dev/ttyUSB2", "A1"))
	prefs := fyne.CurrentApp().Preferences()
	r.screen.UseKeyStore(store, prefs)
	mem := r.screen.Identity.Remember
	test.Tap(mem.Check)
	r.q.RunUntil(t, "the refusal", func() bool { return mem.Error.Visible() })
	if mem.Check.Checked || prefs.Bool(prefRememberPolicy) {
		t.Fatal("the box or the flag stayed on")
	}
	if !strings.Contains(mem.Error.Text, "not available") {
		t.Fatalf("error %q", mem.Error.Text)
	}
	r.fillNewDevice()
	r.end(t, r.start(t), nil)
	if _, _, saves, _ := store.Snapshot(); len(saves) != 0 {
		t.Fatalf("saved %v though the store is unavailable", saves)
	}
}

func TestSetupPolicyMemoryHiddenWithoutStore(t *testing.T) {
	r := newSetupRig(t, nil, replPort("/dev/ttyUSB2", "A1"))
	if r.screen.Identity.Remember.Check.Visible() {
		t.Fatal("the option shows with no credential store")
	}
}
