package setup

import (
	"qpyhub/app/provision"
	"qpyhub/ui/widgets"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"
)

// authStep is step 3: the key goes on the module, which mints its own
// tokens and never goes stale (recommended), or a token that expires.
type authStep struct {
	Mode   *widget.RadioGroup
	Expiry *widgets.ExpiryPicker

	now func() time.Time
	box *fyne.Container
}

func newAuthStep(now func() time.Time, changed func()) *authStep {
	a := &authStep{now: now}
	a.Expiry = widgets.NewExpiryPicker(now, changed)
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

func (a *authStep) Content() fyne.CanvasObject { return a.box }

func (a *authStep) token() bool { return a.Mode.Selected == a.Mode.Options[1] }

// fill sets the token lifetime (zero: key on the module); an exact date
// in the past shows its error under the date.
func (a *authStep) fill(plan *provision.Plan) bool {
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
