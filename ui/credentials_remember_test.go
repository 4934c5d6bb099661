package ui

import (
	"errors"
	"qpyhub/ui/internal/uitest"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

type rememberRig struct {
	t     *testing.T
	s     *CredentialsScreen
	store *uitest.KeyStore
	q     *uitest.Queue
	prefs fyne.Preferences
}

// newRememberRig is the Credentials screen with store attached; flagOn
// plays a box left ticked by an earlier run.
func newRememberRig(t *testing.T, store *uitest.KeyStore, flagOn bool) *rememberRig {
	t.Helper()
	s := newTestCredentials(t)
	prefs := fyne.CurrentApp().Preferences()
	if flagOn {
		prefs.SetBool(prefRememberKeys, true)
	}
	r := &rememberRig{t: t, s: s, store: store, q: uitest.NewQueue(), prefs: prefs}
	s.remember.use(store, prefs, r.q.Post)
	return r
}

// settle applies the store's answers until no store call is pending and
// nothing is left to apply. The store calls run in order, so once a
// marker queued behind them has posted, every earlier answer has too.
func (r *rememberRig) settle() {
	r.t.Helper()
	queue := &r.s.remember.queue
	for {
		reached := false
		queue.Run(func() { r.q.Post(func() { reached = true }) })
		r.q.RunUntil(r.t, "the key store's answers", func() bool { return reached })
		if queue.Idle() && r.q.Pending() == 0 {
			return
		}
	}
}

// noSecretShown fails when secret can be read on the screen or is kept
// in preferences.
func (r *rememberRig) noSecretShown(secret string) {
	r.t.Helper()
	if strings.Contains(uitest.ShownText(r.s.Content()), secret) {
		r.t.Error("the secret can be read on the screen")
	}
	reader, ok := r.prefs.(interface{ ReadValues(func(map[string]any)) })
	if !ok {
		r.t.Fatalf("cannot read the test app's preferences (%T)", r.prefs)
	}
	reader.ReadValues(func(values map[string]any) {
		for k, v := range values {
			if strings.Contains(k, secret) || strings.Contains(fmtValue(v), secret) {
				r.t.Errorf("preference %q holds the secret", k)
			}
		}
	})
}

func fmtValue(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case []string:
		return strings.Join(x, "\n")
	}
	return ""
}

const (
	rememberHost   = "MyExampleHub.azure-devices.net"
	rememberDevice = "my-symkey-device"
	rememberKey    = "18RQk/hOPJR9EbsJlk2j8WA6vWaj/yi+oaYg7zmxfQNdOyMSu+SJ8O7TSlZhDJCYmn4rzEiVKIzNiVAWjLxrGA=="
	otherKey       = "c2Vjb25kLWtleS1mb3ItdGhlLXNhbWUtZGV2aWNlLTAx"
	groupKey       = "8isrFI1sGsIlvvFSSFRiMfCNzv21fjbE/+ah/lSh3lF8e2YG1Te7w1KpZhJFFXJrqYKi9yegxkqIChbqOS9Egw=="
)

func TestRememberWithTheStoreUnavailableSaysSoAndKeepsNothing(t *testing.T) {
	store := uitest.NewKeyStore()
	store.SetUnavailable(errors.New("The credential store is not there."))
	r := newRememberRig(t, store, false)
	test.Type(r.s.Host.Entry, rememberHost)
	test.Type(r.s.Device.Entry, rememberDevice)
	test.Type(r.s.Key.Entry, rememberKey)
	if r.s.Credentials().Password == "" {
		t.Fatal("the credentials are not valid: the test would prove nothing")
	}

	test.Tap(r.s.remember.Check)
	r.settle()

	if r.s.remember.Check.Checked {
		t.Error("the box stays ticked though the store is unavailable")
	}
	if !strings.Contains(uitest.ShownText(r.s.Content()), "The credential store is not there.") {
		t.Error("the store's error is not shown")
	}
	if !r.s.remember.Error.Visible() {
		t.Error("the error line is hidden")
	}
	_, availables, saves, _ := store.Snapshot()
	if availables != 1 || len(saves) != 0 {
		t.Errorf("store asked Available %d times and Save %v; want once and never", availables, saves)
	}
	if r.prefs.Bool(prefRememberKeys) {
		t.Error("the flag is on in preferences")
	}
	r.noSecretShown(rememberKey)
}

func TestRememberSavesValidCredentialsUnderTheirName(t *testing.T) {
	for _, tc := range []struct {
		mode   int
		fill   func(s *CredentialsScreen)
		name   string
		secret string
	}{
		{modeDeviceKey, func(s *CredentialsScreen) {
			test.Type(s.Host.Entry, rememberHost)
			test.Type(s.Device.Entry, rememberDevice)
			test.Type(s.Key.Entry, rememberKey)
		}, "device:" + rememberHost + "/" + rememberDevice, rememberKey},
		{modeConnectionString, func(s *CredentialsScreen) {
			s.ConnString.Entry.SetText("HostName=" + rememberHost + ";DeviceId=" + rememberDevice + ";SharedAccessKey=" + rememberKey)
		}, "connstr:" + rememberHost + "/" + rememberDevice,
			"HostName=" + rememberHost + ";DeviceId=" + rememberDevice + ";SharedAccessKey=" + rememberKey},
		{modeGroupKey, func(s *CredentialsScreen) {
			test.Type(s.IDScope.Entry, "0ne00000001")
			test.Type(s.RegID.Entry, "ec600n-864000000000001")
			s.GroupKey.Entry.SetText(groupKey)
		}, "dps-group:0ne00000001", groupKey},
	} {
		t.Run(tc.name, func(t *testing.T) {
			store := uitest.NewKeyStore()
			r := newRememberRig(t, store, false)
			r.s.Mode.SetSelected(r.s.Mode.Options[tc.mode])
			tc.fill(r.s)
			if r.s.Credentials().Password == "" {
				t.Fatal("the credentials are not valid: the test would prove nothing")
			}
			if keys, _, saves, _ := store.Snapshot(); len(saves) != 0 || len(keys) != 0 {
				t.Fatalf("saved %v before the box was ticked", saves)
			}

			test.Tap(r.s.remember.Check)
			r.settle()

			keys, availables, saves, _ := store.Snapshot()
			if availables != 1 {
				t.Errorf("Available asked %d times, want once", availables)
			}
			if !slices.Equal(saves, []string{tc.name}) || keys[tc.name] != tc.secret {
				t.Errorf("saves %v, holding %q under %q; want one save of the secret", saves, keys[tc.name], tc.name)
			}
			if !r.s.remember.Check.Checked || !r.prefs.Bool(prefRememberKeys) {
				t.Error("the box or the flag in preferences is off")
			}

			// Recomputing what did not change saves nothing more.
			test.Tap(r.s.WebSocket)
			r.settle()
			if _, _, saves, _ := store.Snapshot(); len(saves) != 1 {
				t.Errorf("saved again with nothing changed: %v", saves)
			}
			r.noSecretShown(tc.secret)
		})
	}
}

func TestRememberSavesANewKeyForTheSameDevice(t *testing.T) {
	store := uitest.NewKeyStore()
	r := newRememberRig(t, store, true)
	test.Type(r.s.Host.Entry, rememberHost)
	test.Type(r.s.Device.Entry, rememberDevice)
	r.settle()
	r.s.Key.Entry.SetText(rememberKey)
	r.s.RememberKey() // leaving the screen
	r.settle()
	r.s.Key.Entry.SetText(otherKey)
	r.s.RememberKey()
	r.settle()

	name := "device:" + rememberHost + "/" + rememberDevice
	keys, availables, saves, _ := store.Snapshot()
	if !slices.Equal(saves, []string{name, name}) || keys[name] != otherKey {
		t.Errorf("saves %v, holding %q; want two saves ending with the new key", saves, keys[name])
	}
	if availables != 0 {
		t.Error("the store was asked at start: its unlock prompt would come before the user did anything")
	}
}

func TestRememberFillsTheKeyOfAKnownDevice(t *testing.T) {
	store := uitest.NewKeyStore()
	name := "device:" + rememberHost + "/" + rememberDevice
	store.Put(name, rememberKey)
	store.Put("device:"+rememberHost+"/another-device", otherKey)
	r := newRememberRig(t, store, true)
	if !r.s.remember.Check.Checked {
		t.Fatal("the box left ticked by the last run is not ticked")
	}

	test.Type(r.s.Host.Entry, rememberHost)
	test.Type(r.s.Device.Entry, rememberDevice)
	r.settle()

	if r.s.Key.Entry.Text != rememberKey {
		t.Fatalf("key field = %q, want the remembered key", r.s.Key.Entry.Text)
	}
	if r.s.Credentials().Password == "" {
		t.Error("the remembered key gives no credentials")
	}
	if _, _, saves, _ := store.Snapshot(); len(saves) != 0 {
		t.Errorf("the key just loaded was saved again: %v", saves)
	}
	r.noSecretShown(rememberKey)
}

func TestRememberLeavesATypedKeyAlone(t *testing.T) {
	store := uitest.NewKeyStore()
	store.Put("device:"+rememberHost+"/"+rememberDevice, rememberKey)
	r := newRememberRig(t, store, true)
	test.Type(r.s.Key.Entry, otherKey)
	test.Type(r.s.Host.Entry, rememberHost)
	test.Type(r.s.Device.Entry, rememberDevice)
	r.settle()
	if r.s.Key.Entry.Text != otherKey {
		t.Errorf("the key typed by the user was replaced")
	}
}

func TestUntickingForgetsTheKey(t *testing.T) {
	store := uitest.NewKeyStore()
	r := newRememberRig(t, store, false)
	test.Type(r.s.Host.Entry, rememberHost)
	test.Type(r.s.Device.Entry, rememberDevice)
	r.s.Key.Entry.SetText(rememberKey)
	test.Tap(r.s.remember.Check)
	r.settle()
	name := "device:" + rememberHost + "/" + rememberDevice
	if keys, _, _, _ := store.Snapshot(); keys[name] != rememberKey {
		t.Fatal("the key was not saved: the test would prove nothing")
	}

	test.Tap(r.s.remember.Check)
	r.settle()

	keys, _, _, deletes := store.Snapshot()
	if !slices.Equal(deletes, []string{name}) || len(keys) != 0 {
		t.Errorf("deletes %v, store holds %v; want the key forgotten", deletes, keys)
	}
	if r.prefs.Bool(prefRememberKeys) {
		t.Error("the flag is still on in preferences")
	}
	// Nothing more is saved once the box is off.
	r.s.Key.Entry.SetText(otherKey)
	r.settle()
	if keys, _, _, _ := store.Snapshot(); len(keys) != 0 {
		t.Errorf("saved after unticking: %v", keys)
	}
}

func TestRememberBoxIsHiddenWithoutAStore(t *testing.T) {
	s := newTestCredentials(t)
	if s.remember.Content().Visible() {
		t.Error("the box is offered with no store to remember in")
	}
	s.remember.use(nil, fyne.CurrentApp().Preferences(), func(f func()) { f() })
	if s.remember.Content().Visible() {
		t.Error("the box is offered with a nil store")
	}
}

func TestRememberUnticksWhenTheStoreRefusesTheKey(t *testing.T) {
	store := uitest.NewKeyStore()
	r := newRememberRig(t, store, false)
	test.Tap(r.s.remember.Check)
	r.settle()
	if !r.s.remember.Check.Checked {
		t.Fatal("the box did not stay ticked with the store available")
	}
	store.SetUnavailable(errors.New("The credential store went away."))

	test.Type(r.s.Host.Entry, rememberHost)
	test.Type(r.s.Device.Entry, "dev-02")
	r.settle() // the lookup fails: the box unticks
	r.s.Key.Entry.SetText(rememberKey)
	r.settle()

	if r.s.remember.Check.Checked || r.prefs.Bool(prefRememberKeys) {
		t.Error("the box or the flag stays on though the store failed")
	}
	if r.s.remember.Error.Text != "The credential store went away." || !r.s.remember.Error.Visible() {
		t.Errorf("error line = %q", r.s.remember.Error.Text)
	}
	if keys, _, saves, _ := store.Snapshot(); len(keys) != 0 || len(saves) != 0 {
		t.Errorf("saves %v after the store failed", saves)
	}
}

func TestRememberUnticksWhenASaveFails(t *testing.T) {
	store := uitest.NewKeyStore()
	r := newRememberRig(t, store, false)
	test.Tap(r.s.remember.Check)
	r.settle()
	store.SetUnavailable(errors.New("The credential store went away."))

	test.Type(r.s.Host.Entry, rememberHost)
	r.s.Key.Entry.SetText(rememberKey) // filled before the device: no lookup
	test.Type(r.s.Device.Entry, rememberDevice)
	r.s.RememberKey() // the user leaves the screen
	r.settle()

	if r.s.remember.Check.Checked || r.prefs.Bool(prefRememberKeys) {
		t.Error("the box or the flag stays on though Save failed")
	}
	if !strings.Contains(uitest.ShownText(r.s.Content()), "The credential store went away.") {
		t.Error("the failure is not shown")
	}
	if _, _, saves, _ := store.Snapshot(); len(saves) == 0 {
		t.Error("Save was never tried: the test proves nothing")
	}
	r.noSecretShown(rememberKey)
}

// While the box is ticked, typing saves nothing: half-typed names would
// leave keys under names like "myhub.azure-d" in the credential store.
func TestRememberSavesOnlyWhenLeavingTheScreen(t *testing.T) {
	store := uitest.NewKeyStore()
	r := newRememberRig(t, store, true)
	r.s.Key.Entry.SetText(rememberKey)
	test.Type(r.s.Host.Entry, rememberHost)
	test.Type(r.s.Device.Entry, rememberDevice)
	r.settle()
	if _, _, saves, _ := store.Snapshot(); len(saves) != 0 {
		t.Fatalf("saved while typing: %v", saves)
	}
	r.s.RememberKey()
	r.settle()
	name := "device:" + rememberHost + "/" + rememberDevice
	if keys, _, saves, _ := store.Snapshot(); !slices.Equal(saves, []string{name}) || keys[name] != rememberKey {
		t.Fatalf("saves %v after leaving, want one under %q", saves, name)
	}
}
