package setup

import (
	"context"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"qpyhub/app/provision"
	"qpyhub/device/ports"
	"qpyhub/ui/widgets"
)

// Screen is the guided path from a plugged-in module to a module
// online in IoT Hub, for one module or a tray: the technician fills the
// steps top to bottom, presses Start and watches one row per module.
type Screen struct {
	Modules  *modulesStep
	Identity *identityStep
	Auth     *authStep
	Runs     *runsStep
	Record   *recordStep
	Restore  *restoreStep // nil when the runner cannot restore

	Start, Cancel, Retry *widget.Button
	Busy                 *widget.Activity
	FormError            *widget.Label // why Start refused
	Summary              *widget.Label // "3 online, 1 failed"
	Table                *runTable

	runner  Runner
	status  widgets.StatusLine
	post    func(func())
	now     func() time.Time
	cancel  context.CancelFunc // of the run under way, nil when idle
	content fyne.CanvasObject
}

// NewScreen builds the screen. listPorts answers the ports the Ports
// screen shows (for "every Quectel REPL port"); hub is the local hub's
// policy source, nil when the local hub is not running; w is the window
// its dialogs belong to; post runs a function on the UI goroutine (the
// window binds it once).
func NewScreen(w fyne.Window, runner Runner, current *widgets.ModulePort, listPorts func() []ports.Port, hub LocalHubPolicy, status widgets.StatusLine, post func(func())) *Screen {
	return newScreen(w, runner, current, listPorts, hub, status, post, time.Now)
}

func newScreen(w fyne.Window, runner Runner, current *widgets.ModulePort, listPorts func() []ports.Port, hub LocalHubPolicy, status widgets.StatusLine, post func(func()), now func() time.Time) *Screen {
	s := &Screen{runner: runner, status: status, post: post, now: now}
	// Steps report changes while they are still being built: validate
	// only once the whole form exists.
	changed := func() {
		if s.content == nil {
			return
		}
		if _, ok := s.validate(false); ok && len(s.Modules.targets()) > 0 {
			s.FormError.Hide() // what Start complained about is fixed
		}
	}
	s.Modules = newModulesStep(current, listPorts, changed)
	s.Identity = newIdentityStep(hub, changed)
	s.Auth = newAuthStep(now, changed)
	s.Runs = newRunsStep(changed)
	s.Record = newRecordStep(w)
	if restorer, ok := runner.(Restorer); ok {
		s.Restore = newRestoreStep(w, restorer, current, post)
	}

	s.Start = widget.NewButtonWithIcon(lang.L("Start setup"), theme.MediaPlayIcon(), s.StartSetup)
	s.Start.Importance = widget.HighImportance
	s.Cancel = widget.NewButtonWithIcon(lang.L("Cancel"), theme.CancelIcon(), s.CancelSetup)
	s.Cancel.Hide()
	s.Retry = widget.NewButtonWithIcon(lang.L("Retry failed"), theme.ViewRefreshIcon(), s.RetryFailed)
	s.Retry.Disable()
	s.Busy = widget.NewActivity()
	s.Busy.Hide()
	s.FormError = widget.NewLabel("")
	s.FormError.Importance = widget.DangerImportance
	s.FormError.Wrapping = fyne.TextWrapWord
	s.FormError.Hide()
	s.Summary = widget.NewLabel(lang.L("Fill in the steps on the left, then press Start setup."))
	s.Summary.Wrapping = fyne.TextWrapWord
	s.Summary.TextStyle = fyne.TextStyle{Bold: true}
	s.Table = newRunTable()

	s.content = s.layout()
	s.validate(false)
	return s
}

// layout puts the numbered steps on the left and the run on the right.
func (s *Screen) layout() fyne.CanvasObject {
	steps := container.NewVBox(
		widget.NewCard(lang.L("1. Modules"), "", s.Modules.Content()),
		widget.NewCard(lang.L("2. Identity"), "", s.Identity.Content()),
		widget.NewCard(lang.L("3. Credentials on the module"), "", s.Auth.Content()),
		widget.NewCard(lang.L("4. After setup the module runs"), "", s.Runs.Content()),
		widget.NewCard(lang.L("5. Record"), "", s.Record.Content()),
	)
	if s.Restore != nil {
		steps.Add(widget.NewCard(lang.L("Undo a setup"), "", s.Restore.Content()))
	}
	bar := container.NewHBox(s.Start, s.Cancel, s.Retry, s.Busy)
	top := container.NewVBox(bar, s.FormError, s.Summary, widget.NewSeparator())
	run := container.NewBorder(top, nil, nil, nil, container.NewVScroll(s.Table.Content()))
	split := container.NewHSplit(container.NewVScroll(container.NewPadded(steps)), container.NewPadded(run))
	split.SetOffset(0.38)
	return split
}

// Content is the screen's widget tree.
func (s *Screen) Content() fyne.CanvasObject { return s.content }

// Shown reads the port list again: the Ports screen may have changed it
// while another screen was in front.
func (s *Screen) Shown() { s.Modules.refresh() }

// Running tells whether a setup is under way.
func (s *Screen) Running() bool { return s.cancel != nil }

// validate checks every step, puts each error under its field and answers
// the plan when all is well. strict also complains about empty fields:
// while the technician types, an empty field is not yet an error.
func (s *Screen) validate(strict bool) (provision.Plan, bool) {
	var plan provision.Plan
	targets := s.Modules.targets()
	ok := s.Auth.fill(&plan)
	ok = s.Identity.fill(&plan, len(targets), strict) && ok
	ok = s.Record.fill(&plan) && ok
	s.Runs.fill(&plan)
	plan.OverrideCheck = s.Modules.Override.Checked
	return plan, ok
}
