package widgets

import (
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"qpyhub/cloud"
)

// exactDateLayout is how an exact expiry is typed, in local time.
const exactDateLayout = "2006-01-02 15:04"

// ExpiryPicker chooses when a token expires: a preset lifetime or an exact
// local date and time.
type ExpiryPicker struct {
	Select  *widget.Select
	Exact   *InputField
	Warning *widget.Label
	box     *fyne.Container
	now     func() time.Time
	presets []cloud.ExpiryPreset
}

// NewExpiryPicker starts on "1 hour"; changed runs after every change.
func NewExpiryPicker(now func() time.Time, changed func()) *ExpiryPicker {
	p := &ExpiryPicker{now: now, presets: cloud.ExpiryPresets()}
	var labels []string
	for _, c := range p.presets {
		labels = append(labels, lang.L(c.Label))
	}
	labels = append(labels, lang.L("Exact date…"))
	p.Select = widget.NewSelect(labels, nil)
	p.Select.SetSelectedIndex(0)
	p.Select.OnChanged = func(string) {
		if p.isExact() {
			p.Exact.Content().Show()
		} else {
			p.Exact.Content().Hide()
		}
		changed()
	}
	exact := widget.NewEntry()
	exact.SetPlaceHolder(now().Add(24 * time.Hour).Format(exactDateLayout))
	exact.OnChanged = func(string) { changed() }
	p.Exact = NewInputField(lang.L("Expires at (local time, YYYY-MM-DD hh:mm)"), exact)
	p.Exact.Content().Hide()
	p.Warning = widget.NewLabel("")
	p.Warning.Importance = widget.WarningImportance
	p.Warning.Wrapping = fyne.TextWrapWord
	p.Warning.Hide()
	title := widget.NewLabel(lang.L("Token lifetime"))
	title.TextStyle = fyne.TextStyle{Bold: true}
	p.box = container.NewVBox(title, p.Select, p.Exact.Content(), p.Warning)
	return p
}

// Content is the picker's widget tree.
func (p *ExpiryPicker) Content() fyne.CanvasObject { return p.box }

func (p *ExpiryPicker) isExact() bool {
	return p.Select.SelectedIndex() == len(p.presets)
}

// Expiry returns the chosen expiry, or an error shown under the date field.
// It also shows or hides the long-lifetime warning.
func (p *ExpiryPicker) Expiry() (time.Time, error) {
	now := p.now()
	var at time.Time
	if p.isExact() {
		t, err := parseLocalDate(p.Exact.Entry.Text)
		if err != nil {
			p.Exact.SetError(err)
			p.Warning.Hide()
			return time.Time{}, err
		}
		if err := cloud.CheckExpiry(t, now); err != nil {
			p.Exact.SetError(err)
			p.Warning.Hide()
			return time.Time{}, err
		}
		at = t
	} else {
		i := p.Select.SelectedIndex()
		if i < 0 {
			i = 0
		}
		at = now.Add(p.presets[i].Lifetime)
	}
	p.Exact.SetError(nil)
	if cloud.LifetimeWarning(at.Sub(now)) {
		p.Warning.SetText(lang.L("A long-lived token cannot be revoked if it leaks, short of rolling the device key. Prefer minting tokens on the module from the key."))
		p.Warning.Show()
	} else {
		p.Warning.Hide()
	}
	return at, nil
}

// parseLocalDate reads "YYYY-MM-DD hh:mm" in local time, or RFC 3339.
func parseLocalDate(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, &cloud.FieldError{Field: "expiry", Reason: cloud.ReasonEmpty}
	}
	if t, err := time.ParseInLocation(exactDateLayout, s, time.Local); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	return time.Time{}, &cloud.FieldError{Field: "expiry", Reason: reasonNotDate}
}

// reasonNotDate is the ui's own field reason for an unreadable date.
const reasonNotDate = "is not a date like 2026-12-31 18:00"
