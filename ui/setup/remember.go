package setup

import (
	"qpyhub/ui/widgets"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"
)

// prefRememberPolicy is the Setup screen's "remember" flag; the policy
// string itself only ever goes to the OS credential store.
const prefRememberPolicy = "setup.rememberPolicy"

// policyKeyName is where the hub policy string of the Setup screen is
// kept in the credential store: one, the last used, since a technician
// works for one hub at a time.
const policyKeyName = "setup:hub-policy"

// policyMemory keeps the Setup screen's hub policy connection string in
// the OS credential store when the technician asks: saved when a setup
// starts with it, filled in when the screen opens with the field empty.
type policyMemory struct {
	Check *widget.Check
	Error *widget.Label

	field *widgets.InputField
	store widgets.KeyStore
	prefs fyne.Preferences
	post  func(func())
	queue widgets.StoreQueue
	saved string
	box   *fyne.Container
}

func newPolicyMemory(field *widgets.InputField) *policyMemory {
	m := &policyMemory{field: field}
	m.Check = widget.NewCheck(lang.L("Remember this policy string on this computer"), nil)
	m.Error = widget.NewLabel("")
	m.Error.Importance = widget.DangerImportance
	m.Error.Wrapping = fyne.TextWrapWord
	m.Error.Hide()
	m.Check.Hide() // shown once a store is connected
	m.box = container.NewVBox(m.Check, m.Error)
	return m
}

// Content is the checkbox and its error line.
func (m *policyMemory) Content() fyne.CanvasObject { return m.box }

// use connects the store; with the flag left on, the saved string fills
// the empty field.
func (m *policyMemory) use(store widgets.KeyStore, prefs fyne.Preferences, post func(func())) {
	m.store, m.prefs, m.post = store, prefs, post
	if store == nil {
		m.Check.Hide()
		return
	}
	m.Check.Show()
	m.Check.SetChecked(prefs.Bool(prefRememberPolicy))
	m.Check.OnChanged = m.toggled
	if m.Check.Checked && strings.TrimSpace(m.field.Entry.Text) == "" {
		m.queue.Run(func() {
			secret, err := store.Load(policyKeyName)
			post(func() {
				if err != nil {
					m.refuse(err)
					return
				}
				if secret != "" && strings.TrimSpace(m.field.Entry.Text) == "" {
					m.field.Entry.SetText(secret)
					m.saved = secret
				}
			})
		})
	}
}

// toggled asks the store when ticked (it may prompt) and forgets the
// string when unticked.
func (m *policyMemory) toggled(on bool) {
	m.Error.Hide()
	store, post := m.store, m.post
	if !on {
		m.prefs.SetBool(prefRememberPolicy, false)
		m.saved = ""
		m.queue.Run(func() {
			if err := store.Delete(policyKeyName); err != nil {
				post(func() { m.show(err) })
			}
		})
		return
	}
	m.queue.Run(func() {
		err := store.Available()
		post(func() {
			if err != nil {
				m.refuse(err)
				return
			}
			m.prefs.SetBool(prefRememberPolicy, true)
		})
	})
}

// save keeps the policy string a setup starts with, if the box is ticked.
func (m *policyMemory) save() {
	secret := strings.TrimSpace(m.field.Entry.Text)
	if m.store == nil || !m.Check.Checked || secret == "" || secret == m.saved {
		return
	}
	m.saved = secret
	store, post := m.store, m.post
	m.queue.Run(func() {
		if err := store.Save(policyKeyName, secret); err != nil {
			post(func() { m.refuse(err) })
		}
	})
}

// refuse unticks the box and says why: nothing is kept.
func (m *policyMemory) refuse(err error) {
	m.Check.OnChanged = nil
	m.Check.SetChecked(false)
	m.Check.OnChanged = m.toggled
	m.prefs.SetBool(prefRememberPolicy, false)
	m.saved = ""
	m.show(err)
}

func (m *policyMemory) show(err error) {
	m.Error.SetText(widgets.ErrorText(err))
	m.Error.Show()
}

// UseKeyStore lets the Setup screen remember the hub policy string in the
// OS credential store; without a store the option is not shown.
func (s *Screen) UseKeyStore(store widgets.KeyStore, prefs fyne.Preferences) {
	s.Identity.Remember.use(store, prefs, s.post)
}
