package updates

import (
	"context"
	"errors"
	"maps"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"qpyhub/app/ota"
	"qpyhub/cloud/registry"
	"qpyhub/ui/widgets"
)

// callTimeout bounds one call to the hub made for the screen.
const callTimeout = 60 * time.Second

// startTimeout bounds a whole start: every upload and every target.
const startTimeout = 30 * time.Minute

// watchTimeout is how long the screen follows an update before it stops
// watching; modules carry on, and Retry or a new start watches again.
const watchTimeout = 24 * time.Hour

// startUpdate checks the form, then hosts the files and asks the
// targets for the version in the background.
func (s *Screen) startUpdate() {
	targets, terr := s.Targets.chosen()
	hosting, herr := s.Hosting.chosen()
	if s.Bundle.manifest == nil {
		s.Bundle.Field.ShowErrorText(lang.L("Choose a bundle file first."))
		return
	}
	if terr != nil || herr != nil || s.hub == nil || s.run != nil {
		return
	}
	s.Table.clear()
	req := StartRequest{BundlePath: s.Bundle.path, Version: s.Bundle.manifest.Version, Targets: targets, Hosting: hosting}
	s.last = &req
	s.begin(req, targets)
}

// retryFailed starts the update the table shows again (its bundle and
// hosting, whatever the form now says) on the modules that failed or
// rolled back, then watches every module of it again.
func (s *Screen) retryFailed() {
	ids := s.Table.retryable()
	if len(ids) == 0 || s.hub == nil || s.last == nil || s.run != nil {
		return
	}
	watch := ota.Targets{}
	for _, r := range s.Table.rows {
		watch.DeviceIDs = append(watch.DeviceIDs, r.DeviceID)
	}
	req := *s.last
	req.Targets, req.Retry = ota.Targets{DeviceIDs: ids}, true
	s.begin(req, watch)
}

// begin runs the start, then watches the targets.
func (s *Screen) begin(req StartRequest, watch ota.Targets) {
	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	s.run = &running{cancel: cancel}
	s.setBusy(true)
	s.say(lang.L("Starting version {{.Version}}…", map[string]any{"Version": req.Version}), widget.MediumImportance)
	hub, mask := s.hub, s.mask()
	go func() {
		res, err := hub.Start(ctx, req, func(p ota.StartStep) { s.post(func() { s.showStartProgress(p) }) })
		cancel()
		s.post(func() {
			s.run = nil
			s.setBusy(false)
			if err != nil {
				s.say(startFailure(err, mask), widget.DangerImportance)
				s.refreshStart()
				return
			}
			s.say(startResult(res, req, mask), importanceOf(res))
			s.watch(watch)
		})
	}()
}

// showStartProgress shows which file goes up, which target is asked,
// or that a job starts. A step comes before its work: Done counts the
// ones finished.
func (s *Screen) showStartProgress(p ota.StartStep) {
	if s.run == nil || s.run.watching || p.Total == 0 {
		return
	}
	s.Progress.SetValue(float64(p.Done) / float64(p.Total))
	values := map[string]any{"Index": p.Done + 1, "Total": p.Total, "Path": p.Path, "Device": p.DeviceID}
	switch p.Stage {
	case "host":
		s.say(lang.L("Uploading file {{.Index}} of {{.Total}}: {{.Path}}", values), widget.MediumImportance)
	case "device":
		s.say(lang.L("Asking module {{.Index}} of {{.Total}}: {{.Device}}", values), widget.MediumImportance)
	case "job":
		s.say(lang.L("Starting a job of the hub for every device the query matches…"), widget.MediumImportance)
	}
}

// watch follows the targets until every one is final, the user stops
// it, or watchTimeout passes.
func (s *Screen) watch(targets ota.Targets) {
	ctx, cancel := context.WithTimeout(context.Background(), watchTimeout)
	s.run = &running{cancel: cancel, watching: true}
	s.setBusy(true)
	hub := s.hub
	go func() {
		err := hub.Watch(ctx, targets, func(statuses []ota.DeviceStatus) {
			s.post(func() { s.Table.show(statuses) })
		})
		stopped := ctx.Err() != nil
		cancel()
		s.post(func() {
			s.run = nil
			s.setBusy(false)
			switch {
			case err != nil && !stopped:
				s.say(lang.L("Could not read the modules' progress:")+" "+widgets.ErrorText(err), widget.DangerImportance)
			case s.Table.allFinal():
				s.sayOutcome()
			default:
				s.say(lang.L("Stopped watching; the modules carry on with the update."), widget.MediumImportance)
			}
			s.refreshStart()
		})
	}()
}

// sayOutcome words the end of an update.
func (s *Screen) sayOutcome() {
	if n := len(s.Table.retryable()); n > 0 {
		s.say(lang.L("The update ended; {{.Count}} modules failed or rolled back: pick a row to read why, then Retry failed.", map[string]any{"Count": n}), widget.DangerImportance)
		return
	}
	if n := s.Table.unreadable(); n > 0 {
		s.say(lang.L("The update ended, but the twins of {{.Count}} modules could not be read: pick a row to read why.", map[string]any{"Count": n}), widget.DangerImportance)
		return
	}
	s.say(lang.L("Every module runs the new version."), widget.SuccessImportance)
}

// cancelRun stops the start (targets already asked keep the version) or
// the watch (the modules carry on).
func (s *Screen) cancelRun() {
	if s.run != nil {
		s.run.cancel()
	}
}

// setBusy shows the progress and Cancel while something runs.
func (s *Screen) setBusy(on bool) {
	s.Cancel.Hidden = !on
	s.Cancel.Refresh()
	s.Progress.SetValue(0)
	s.Progress.Hidden = !on || (s.run != nil && s.run.watching)
	s.Progress.Refresh()
	if on && s.run.watching {
		s.Cancel.SetText(lang.L("Stop watching"))
	} else {
		s.Cancel.SetText(lang.L("Cancel"))
	}
	s.refreshStart()
}

// startResult says what a start did.
func startResult(res ota.StartResult, req StartRequest, mask func(string) string) string {
	var text string
	if res.Job != nil {
		text = lang.L("Version {{.Version}} asked of every device the query matches (job {{.Job}}).", map[string]any{"Version": req.Version, "Job": res.Job.JobID})
	} else if len(res.Devices) == 1 {
		text = lang.L("Version {{.Version}} asked of {{.Device}}.", map[string]any{"Version": req.Version, "Device": res.Devices[0]})
	} else {
		text = lang.L("Version {{.Version}} asked of {{.Count}} modules.", map[string]any{"Version": req.Version, "Count": len(res.Devices)})
	}
	for _, id := range slices.Sorted(maps.Keys(res.Failed)) {
		text += "\n" + id + ": " + mask(widgets.ErrorText(res.Failed[id]))
	}
	return text
}

func importanceOf(res ota.StartResult) widget.Importance {
	if len(res.Failed) > 0 {
		return widget.WarningImportance
	}
	return widget.MediumImportance
}

// startFailure words a start that did not happen, or stopped.
func startFailure(err error, mask func(string) string) string {
	if errors.Is(err, context.Canceled) {
		return lang.L("Cancelled: the modules asked before the cancel still update; the others were not asked.")
	}
	if errors.Is(err, registry.ErrNoFileHosting) {
		return lang.L("The update did not start:") + "\n" + lang.L("This hub does not host files: choose Azure storage or a web address for them.")
	}
	return lang.L("The update did not start:") + "\n" + mask(widgets.ErrorText(err))
}

// mask hides the storage connection string and its key in a text: the
// services promise never to put them in an error, and the screen does
// not rely on it.
func (s *Screen) mask() func(string) string {
	secrets := s.Hosting.secrets()
	return func(text string) string {
		for _, secret := range secrets {
			text = strings.ReplaceAll(text, secret, widgets.MaskedText)
		}
		return text
	}
}
