package ui

import (
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"qpyhub/cloud"
	"qpyhub/ui/widgets"
)

// DecodePanel reads a pasted SAS token: what it grants access to, until
// when, under which policy, and — given a key — whether its signature holds.
type DecodePanel struct {
	Token, Key                          *widgets.InputField
	OutResource, OutExpires, OutKeyName *widgets.OutputField
	Verdict                             *widget.Label
	content                             fyne.CanvasObject
	now                                 func() time.Time
}

// newDecodePanel builds the panel; now is the clock expiry is measured by.
func newDecodePanel(now func() time.Time) *DecodePanel {
	p := &DecodePanel{now: now}
	token := widget.NewMultiLineEntry()
	token.SetPlaceHolder("SharedAccessSignature sr=…&sig=…&se=…")
	token.Wrapping = fyne.TextWrapBreak
	token.SetMinRowsVisible(4)
	token.OnChanged = func(string) { p.Recompute() }
	key := widget.NewPasswordEntry()
	key.SetPlaceHolder(lang.L("optional: the key, to check the signature"))
	key.OnChanged = func(string) { p.Recompute() }
	p.Token = widgets.NewInputField(lang.L("SAS token"), token)
	p.Key = widgets.NewInputField(lang.L("Key"), key)
	p.OutResource = widgets.NewOutputField(lang.L("Resource (sr)"), false)
	p.OutExpires = widgets.NewOutputField(lang.L("Expires (se)"), false)
	p.OutKeyName = widgets.NewOutputField(lang.L("Policy (skn)"), false)
	p.Verdict = widget.NewLabel("")
	p.Verdict.Wrapping = fyne.TextWrapWord
	p.content = container.NewVScroll(container.NewPadded(container.NewVBox(
		p.Token.Content(), p.Key.Content(), widget.NewSeparator(),
		p.OutResource.Content(), p.OutExpires.Content(), p.OutKeyName.Content(), p.Verdict,
	)))
	return p
}

// Content is the panel's widget tree.
func (p *DecodePanel) Content() fyne.CanvasObject { return p.content }

// Recompute decodes the token and checks it against the key, if any.
func (p *DecodePanel) Recompute() {
	p.Token.SetError(nil)
	p.Key.SetError(nil)
	p.Verdict.SetText("")
	p.Verdict.Importance = widget.MediumImportance
	clear := func() {
		p.OutResource.SetValue("")
		p.OutExpires.SetValue("")
		p.OutKeyName.SetValue("")
	}
	if strings.TrimSpace(p.Token.Entry.Text) == "" {
		clear()
		return
	}
	t, err := cloud.ParseSASToken(p.Token.Entry.Text)
	if err != nil {
		clear()
		p.Token.SetError(err)
		return
	}
	now := p.now()
	p.OutResource.SetValue(t.Resource)
	p.OutExpires.SetValue(describeExpiry(t.Expiry, now))
	keyName := t.KeyName
	if keyName == "" {
		keyName = lang.L("none (a device or module token)")
	}
	p.OutKeyName.SetValue(keyName)

	var verdict []string
	if t.ExpiredAt(now) {
		verdict = append(verdict, lang.L("This token has expired: IoT Hub refuses it."))
		p.Verdict.Importance = widget.DangerImportance
	}
	if k := strings.TrimSpace(p.Key.Entry.Text); k != "" {
		ok, err := t.Verify(k)
		switch {
		case err != nil:
			p.Key.SetError(err)
		case ok:
			verdict = append(verdict, lang.L("The signature matches this key."))
			if p.Verdict.Importance != widget.DangerImportance {
				p.Verdict.Importance = widget.SuccessImportance
			}
		default:
			verdict = append(verdict, lang.L("The signature does NOT match this key: the token was made with another key, or changed after signing."))
			p.Verdict.Importance = widget.DangerImportance
		}
	}
	p.Verdict.SetText(strings.Join(verdict, "\n"))
}
