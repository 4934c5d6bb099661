package ui

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"qpyhub/cloud"
	"qpyhub/ui/widgets"
)

// prefRememberKeys is the one trace of remembered keys in preferences: the
// box's on/off state, never a key, a name or a token.
const prefRememberKeys = "credentials.rememberKeys"

// keyMemory is the Credentials screen's "Remember this key" box. Keys go
// to the KeyStore only while the box is ticked and the store answered;
// when it does not, the box unticks itself and says why.
type keyMemory struct {
	screen *CredentialsScreen
	Check  *widget.Check
	Error  *widget.Label
	box    *fyne.Container

	store widgets.KeyStore
	prefs fyne.Preferences
	post  func(func())
	queue widgets.StoreQueue

	// ticks counts the box's changes, so that a store answer meant for
	// an earlier tick is dropped.
	ticks int
	ready bool // the store answered since the box was ticked
	// savedName and savedSecret are what the store holds as far as this
	// screen knows, so that a keystroke saves only what changed.
	savedName, savedSecret string
	looked                 string // the name last looked up
}

func newKeyMemory(s *CredentialsScreen) *keyMemory {
	m := &keyMemory{screen: s}
	m.Check = widget.NewCheck(lang.L("Remember this key on this computer"), m.toggled)
	m.Error = widget.NewLabel("")
	m.Error.Importance = widget.DangerImportance
	m.Error.Wrapping = fyne.TextWrapWord
	m.Error.Hide()
	m.box = container.NewVBox(m.Check, m.Error)
	m.box.Hide() // until a store is offered
	return m
}

// Content is the box and the line for its error.
func (m *keyMemory) Content() fyne.CanvasObject { return m.box }

// UseKeyStore offers to remember keys in store; prefs keeps only whether
// the box is ticked. A nil store leaves the box hidden.
func (s *CredentialsScreen) UseKeyStore(store widgets.KeyStore, prefs fyne.Preferences) {
	s.remember.use(store, prefs, s.post)
}

func (m *keyMemory) use(store widgets.KeyStore, prefs fyne.Preferences, post func(func())) {
	if store == nil {
		return
	}
	m.store, m.prefs, m.post = store, prefs, post
	m.box.Show()
	if prefs.Bool(prefRememberKeys) {
		// Ticked in an earlier run. The store is not asked now: that
		// could show its unlock prompt before the user did anything.
		m.Check.Checked = true
		m.Check.Refresh()
		m.ready = true
		m.changed()
	}
}

func (m *keyMemory) toggled(on bool) {
	m.ticks++
	m.showError(nil)
	if m.store == nil {
		return
	}
	store, post, gen := m.store, m.post, m.ticks
	if !on {
		name, _ := m.slot()
		m.forget()
		if name == "" {
			return
		}
		m.queue.Run(func() {
			if err := store.Delete(name); err != nil {
				post(func() { m.showError(err) })
			}
		})
		return
	}
	m.queue.Run(func() {
		err := store.Available()
		post(func() {
			if gen != m.ticks {
				return
			}
			if err != nil {
				m.refuse(err)
				return
			}
			m.ready = true
			m.setFlag(true)
			m.changed()
			m.save() // ticking the box is the user saying "keep this key"
		})
	})
}

// changed looks the secret up when the names are filled in and the secret
// is not; Recompute calls it. It never saves: while the user types, the
// names are partial, and a key saved under "myhub.azure-d" would linger in
// the credential store. Saving waits for RememberKey.
func (m *keyMemory) changed() {
	if m.store == nil || !m.Check.Checked || !m.ready {
		return
	}
	name, field := m.slot()
	if name == "" || strings.TrimSpace(field.Entry.Text) != "" {
		return
	}
	m.load(name, field)
}

// save keeps the secret of the credentials on screen, when they are valid
// and differ from what was last saved or loaded.
func (m *keyMemory) save() {
	if m.store == nil || !m.Check.Checked || !m.ready {
		return
	}
	name, field := m.slot()
	secret := strings.TrimSpace(field.Entry.Text)
	if name == "" || secret == "" || m.screen.current.Password == "" || (name == m.savedName && secret == m.savedSecret) {
		return
	}
	m.savedName, m.savedSecret = name, secret
	store, post, gen := m.store, m.post, m.ticks
	m.queue.Run(func() {
		if err := store.Save(name, secret); err != nil {
			post(func() {
				if gen == m.ticks {
					m.refuse(err)
				}
			})
		}
	})
}

// RememberKey saves the key shown, if the box is ticked: the window calls
// it when the user leaves the Credentials screen and when it closes.
func (s *CredentialsScreen) RememberKey() {
	if s.remember != nil {
		s.remember.save()
	}
}

// load fills field with the secret remembered under name, if it is still
// empty and still meant for that name when the store answers.
func (m *keyMemory) load(name string, field *widgets.InputField) {
	if name == m.looked {
		return
	}
	m.looked = name
	store, post, gen := m.store, m.post, m.ticks
	m.queue.Run(func() {
		secret, err := store.Load(name)
		post(func() {
			if gen != m.ticks {
				return
			}
			if err != nil {
				m.refuse(err)
				return
			}
			now, f := m.slot()
			if secret == "" || now != name || f != field || strings.TrimSpace(f.Entry.Text) != "" {
				return
			}
			m.savedName, m.savedSecret = name, secret
			f.Entry.SetText(secret)
		})
	})
}

// slot is the name the current mode's secret is remembered under ("" while
// the names are incomplete) and the field holding that secret.
func (m *keyMemory) slot() (string, *widgets.InputField) {
	s := m.screen
	host, device, module := trimmed(s.Host), trimmed(s.Device), trimmed(s.Module)
	switch s.mode() {
	case modeConnectionString:
		// A connection string names its own device; while the field is
		// empty, the host and device of the device-key form say which
		// string to look up.
		if text := trimmed(s.ConnString); text != "" {
			cs, err := cloud.ParseConnectionString(text)
			if err != nil {
				return "", s.ConnString
			}
			host, device, module = cs.HostName, cs.DeviceID, cs.ModuleID
		}
		if host == "" || device == "" {
			return "", s.ConnString
		}
		name := "connstr:" + host + "/" + device
		if module != "" {
			name += "/" + module // a module's string holds the module's key
		}
		return name, s.ConnString
	case modeGroupKey:
		if scope := trimmed(s.IDScope); scope != "" {
			return "dps-group:" + scope, s.GroupKey
		}
		return "", s.GroupKey
	}
	if host == "" || device == "" {
		return "", s.Key
	}
	return "device:" + host + "/" + device, s.Key
}

func trimmed(f *widgets.InputField) string { return strings.TrimSpace(f.Entry.Text) }

// refuse unticks the box after the store failed, says why, and keeps
// nothing more.
func (m *keyMemory) refuse(err error) {
	m.ticks++
	m.Check.Checked = false
	m.Check.Refresh()
	m.forget()
	m.showError(err)
}

// forget stops remembering: nothing more is saved or looked up.
func (m *keyMemory) forget() {
	m.ready = false
	m.setFlag(false)
	m.savedName, m.savedSecret, m.looked = "", "", ""
}

func (m *keyMemory) setFlag(on bool) {
	// Save only a real change: every save makes Fyne re-read the file.
	if m.prefs.Bool(prefRememberKeys) != on {
		m.prefs.SetBool(prefRememberKeys, on)
	}
}

// showError puts err's text (a sentence for the user, see widgets.KeyStore) under
// the box, or clears it.
func (m *keyMemory) showError(err error) {
	if err == nil {
		m.Error.SetText("")
		m.Error.Hide()
		return
	}
	m.Error.SetText(widgets.ErrorText(err))
	m.Error.Show()
}
