package setup

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"qpyhub/app/provision"
)

// Choices of the runs step, in the order it shows them.
const (
	runsCheckProgram = iota
	runsOwnMain
)

// runsStep is step 4: what the module starts at boot once set up, qpyhub's
// check program (as before) or its own main.py, which then stays exactly
// as it is (provision.Plan.KeepMain).
type runsStep struct {
	Runs *widget.RadioGroup
	// Note says what the choice does to the module's files.
	Note *widget.Label

	box *fyne.Container
}

func newRunsStep(changed func()) *runsStep {
	r := &runsStep{}
	r.Note = widget.NewLabel("")
	r.Note.Wrapping = fyne.TextWrapWord
	r.Note.Importance = widget.LowImportance
	r.Runs = widget.NewRadioGroup([]string{
		lang.L("qpyhub's check program: proves the module stays online"),
		lang.L("its own main.py: your application, using the library"),
	}, func(string) {
		r.explain()
		changed()
	})
	r.Runs.Required = true
	r.Runs.SetSelected(r.Runs.Options[runsCheckProgram])
	r.box = container.NewVBox(r.Runs, r.Note)
	return r
}

func (r *runsStep) Content() fyne.CanvasObject { return r.box }

func (r *runsStep) keepMain() bool { return r.Runs.Selected == r.Runs.Options[runsOwnMain] }

// explain says which files the choice writes.
func (r *runsStep) explain() {
	if r.keepMain() {
		r.Note.SetText(lang.L("Writes the library and the config, proves the identity from the REPL, then restarts the module: its main.py is not changed."))
		return
	}
	r.Note.SetText(lang.L("Writes the library, the check program and the config; the module's own main.py is kept as main.py.qpyhub-bak."))
}

// fill puts the choice in the plan.
func (r *runsStep) fill(plan *provision.Plan) {
	plan.KeepMain = r.keepMain()
}
