package setup

import (
	"context"
	"qpyhub/app/provision"
	"strings"

	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"
)

// StartSetup checks the form and sets up every chosen module.
func (s *Screen) StartSetup() {
	if s.cancel != nil {
		return
	}
	plan, ok := s.ready()
	if !ok {
		return
	}
	targets := s.Modules.targets()
	s.Record.remember(plan.RecordFile)
	if plan.Mode == provision.IdentityRegistry {
		s.Identity.Remember.save()
	}
	s.Table.reset(targets)
	s.run(plan, targets)
}

// RetryFailed sets up again only the modules whose last run failed, with
// the form as it is now (the technician may have fixed a field).
func (s *Screen) RetryFailed() {
	if s.cancel != nil {
		return
	}
	failed := s.Table.failedPorts()
	if len(failed) == 0 {
		return
	}
	plan, ok := s.ready()
	if !ok {
		return
	}
	s.Table.restart(failed)
	s.run(plan, failed)
}

// CancelSetup stops the modules still in progress.
func (s *Screen) CancelSetup() {
	if s.cancel != nil {
		s.cancel()
	}
}

// ready validates strictly and says under the buttons why it cannot start.
func (s *Screen) ready() (provision.Plan, bool) {
	plan, ok := s.validate(true)
	switch {
	case len(s.Modules.targets()) == 0:
		s.refuse(lang.L("No module to set up: plug one in and choose its port on the Ports screen."))
	case !ok:
		s.refuse(lang.L("Some fields need attention: see the messages in red on the left."))
	case s.runner == nil:
		s.refuse(lang.L("Setup is not available in this build."))
	default:
		s.FormError.Hide()
		return plan, true
	}
	return plan, false
}

func (s *Screen) refuse(text string) {
	s.FormError.SetText(text)
	s.FormError.Show()
}

// run sets up targets in the background; progress and the end reach the
// widgets through post.
func (s *Screen) run(plan provision.Plan, targets []string) {
	ctx, cancel := context.WithCancel(context.Background())
	s.cancel = cancel
	s.setRunning(true)
	mask := secretMask(plan)
	onLocalHub := s.Identity.UseLocalHub.Checked
	s.showSummary(lang.L("Setting up: {{.Ports}}", map[string]any{"Ports": strings.Join(targets, ", ")}), widget.MediumImportance)
	s.status.SetMessage(lang.L("Setup running…"))
	progress := func(p provision.Progress) {
		s.post(func() { s.Table.progress(p, mask) })
	}
	go func() {
		results := s.runner.Run(ctx, plan, onLocalHub, targets, progress)
		cancelled := ctx.Err() != nil
		s.post(func() {
			cancel()
			s.cancel = nil
			s.Table.finish(targets, results, mask)
			s.setRunning(false)
			s.summarise(cancelled)
		})
	}()
}

func (s *Screen) setRunning(on bool) {
	if on {
		s.Start.Disable()
		s.Retry.Disable()
		s.Cancel.Show()
		s.Busy.Show()
		s.Busy.Start()
		return
	}
	s.Busy.Stop()
	s.Busy.Hide()
	s.Cancel.Hide()
	s.Start.Enable()
}

// summarise counts the rows: "3 online, 1 failed".
func (s *Screen) summarise(cancelled bool) {
	online, failed := s.Table.counts()
	text := lang.L("{{.Online}} online, {{.Failed}} failed", map[string]any{"Online": online, "Failed": failed})
	if cancelled {
		text = lang.L("Cancelled.") + " " + text
	}
	imp := widget.SuccessImportance
	if failed > 0 {
		imp = widget.DangerImportance
		s.Retry.Enable()
	} else {
		s.Retry.Disable()
	}
	s.showSummary(text, imp)
	s.status.SetMessage(lang.L("Setup finished: {{.Summary}}", map[string]any{"Summary": text}))
}

func (s *Screen) showSummary(text string, imp widget.Importance) {
	s.Summary.Importance = imp
	s.Summary.SetText(text)
}
