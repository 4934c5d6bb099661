package module

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"qpyhub/app/ota"
	"qpyhub/ui/widgets"
)

// bundleRequest is a bundle the user is deciding on, and the
// confirmation's dialog, kept so that tests can answer it.
type bundleRequest struct {
	path     string
	manifest ota.Manifest
	dialog   *dialog.ConfirmDialog
}

// askApplyBundle picks a bundle file, reads it and asks before sending
// anything.
func (p *FilesPanel) askApplyBundle() {
	p.openFile(func(r fyne.URIReadCloser, err error) {
		if err != nil {
			p.fail(err, "")
			return
		}
		if r == nil {
			return // the dialog was closed
		}
		r.Close()
		if r.URI().Scheme() != "file" {
			p.fail(fmt.Errorf("%s", r.URI()), lang.L("Choose a bundle file on this computer."))
			return
		}
		p.readBundle(r.URI().Path())
	})
}

// readBundle checks the bundle in the background, then asks.
func (p *FilesPanel) readBundle(path string) {
	var m ota.Manifest
	p.start(lang.L("Reading {{.Path}}…", map[string]any{"Path": path}), false,
		func(context.Context, string) (err error) {
			m, err = p.applier.ReadBundle(path)
			return err
		},
		func(err error) {
			if err != nil {
				p.Message.Importance = widget.DangerImportance
				p.Message.SetText(lang.L("{{.Path}} is not a bundle that can be applied; nothing was sent.", map[string]any{"Path": path}) +
					"\n" + widgets.BundleErrorText(err))
				return
			}
			p.confirmBundle(&bundleRequest{path: path, manifest: m})
		})
}

// confirmBundle shows the version and its files before applying.
func (p *FilesPanel) confirmBundle(req *bundleRequest) {
	p.bundle = req
	m := req.manifest
	values := map[string]any{"Version": m.Version, "Count": len(m.Files), "Size": humanSize(m.TotalSize()), "Path": req.path}
	p.Message.SetText(lang.L("Checked {{.Path}}: version {{.Version}}.", values))
	summary := widget.NewLabel(lang.L("Version {{.Version}}: {{.Count}} files, {{.Size}}. They are checked on the module before anything is replaced; the module restarts, and if the new version does not start, the old files come back.", values))
	summary.Wrapping = fyne.TextWrapWord
	var lines strings.Builder
	for _, f := range m.Files {
		fmt.Fprintf(&lines, "%s (%s)\n", f.Path, humanSize(f.Size))
	}
	files := widget.NewLabel(strings.TrimRight(lines.String(), "\n"))
	files.TextStyle = fyne.TextStyle{Monospace: true}
	scroll := container.NewVScroll(files)
	scroll.SetMinSize(fyne.NewSize(520, 160))
	content := container.NewBorder(summary, nil, nil, nil, scroll)
	req.dialog = dialog.NewCustomConfirm(lang.L("Apply version {{.Version}} to the module?", values), lang.L("Apply"), lang.L("Cancel"), content,
		func(ok bool) {
			if !ok {
				p.bundle = nil
				p.Message.SetText(lang.L("Nothing was applied."))
				return
			}
			p.applyBundle(req)
		}, p.window)
	req.dialog.Show()
}

// applyBundle runs the apply with progress and Cancel, then says how it
// ended and lists the folder again.
func (p *FilesPanel) applyBundle(req *bundleRequest) {
	var res ota.USBResult
	version := req.manifest.Version
	p.start(lang.L("Applying version {{.Version}}…", map[string]any{"Version": version}), true,
		func(ctx context.Context, port string) (err error) {
			res, err = p.applier.ApplyBundle(ctx, port, req.path, func(ev ota.USBProgress) { p.post(func() { p.applyProgress(version, ev) }) })
			return err
		},
		func(err error) {
			p.bundle = nil
			if err != nil {
				prefix := lang.L("Version {{.Version}} could not be applied; the module keeps the files it had.", map[string]any{"Version": version})
				if errors.Is(err, context.Canceled) {
					prefix = lang.L("The apply was cancelled; the module keeps the files it had.")
				}
				p.fail(err, prefix)
				return
			}
			p.noteAfterList = applyResultText(version, res)
			p.noteFailed = res.State != ota.StateDone
			p.Reload()
		})
}

// applyProgress shows the stage and, while sending, the bytes sent of
// the file under way; during the trial, the module's last status line.
func (p *FilesPanel) applyProgress(version string, ev ota.USBProgress) {
	if !p.Busy() {
		return
	}
	switch ev.Stage {
	case "check":
		p.Message.SetText(lang.L("Checking the module: the library, the version it runs, free space…"))
	case "push":
		if ev.Total > 0 {
			p.Progress.SetValue(float64(ev.Done) / float64(ev.Total))
		}
		p.Message.SetText(lang.L("Sending {{.Path}} ({{.Done}} of {{.Total}})", map[string]any{
			"Path": ev.Path, "Done": humanSize(ev.Done), "Total": humanSize(ev.Total)}))
	case "apply":
		p.Progress.SetValue(1)
		p.Message.SetText(lang.L("Every file checked; replacing the running files…"))
	case "trial":
		p.Progress.SetValue(1)
		text := lang.L("Restarting the module; waiting for version {{.Version}} to come online…", map[string]any{"Version": version})
		if ev.Line != "" {
			text += "\n" + ev.Line
		}
		p.Message.SetText(text)
	}
}

// applyResultText words how an apply ended.
func applyResultText(version string, res ota.USBResult) string {
	values := map[string]any{"Version": version, "Error": res.Error, "Running": res.Running}
	switch {
	case res.State == ota.StateDone && res.Unchanged:
		return lang.L("The module already runs version {{.Version}}; nothing was sent.", values)
	case res.State == ota.StateDone:
		return lang.L("Version {{.Version}} applied: the module runs it.", values)
	case res.State == ota.StateRolledBack:
		if res.Running == "" {
			return lang.L("Version {{.Version}} was rolled back: {{.Error}}. The old files are back.", values)
		}
		return lang.L("Version {{.Version}} was rolled back: {{.Error}}. The module runs {{.Running}} again.", values)
	}
	return lang.L("Version {{.Version}} failed: {{.Error}}. The running files were not touched.", values)
}
