package ui

import (
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"
)

// setupAuth is step 3: the key goes on the module, which mints its own
// tokens and never goes stale (recommended), or a token that expires.
type setupAuth struct {
	Mode   *widget.RadioGroup
	Expiry *ExpiryPicker

	now func() time.Time
	box *fyne.Container
}

func newSetupAuth(now func() time.Time, changed func()) *setupAuth {
	a := &setupAuth{now: now}
	a.Expiry = NewExpiryPicker(now, changed)
	a.Expiry.Content().Hide()
	a.Mode = widget.NewRadioGroup([]string{
		lang.L("Key on the module: the module makes its own tokens (recommended)"),
		lang.L("Write a token that expires"),
	}, func(string) {
		if a.token() {
			a.Expiry.Content().Show()
		} else {
			a.Expiry.Content().Hide()
		}
		changed()
	})
	a.Mode.Required = true
	a.Mode.SetSelected(a.Mode.Options[0])
	a.box = container.NewVBox(a.Mode, a.Expiry.Content())
	return a
}

func (a *setupAuth) Content() fyne.CanvasObject { return a.box }

func (a *setupAuth) token() bool { return a.Mode.Selected == a.Mode.Options[1] }

// fill sets the token lifetime (zero: key on the module); an exact date
// in the past shows its error under the date.
func (a *setupAuth) fill(plan *SetupPlan) bool {
	if !a.token() {
		plan.TokenTTL = 0
		return true
	}
	at, err := a.Expiry.Expiry()
	if err != nil {
		return false
	}
	plan.TokenTTL = at.Sub(a.now()).Round(time.Second)
	return plan.TokenTTL > 0
}
