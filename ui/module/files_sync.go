package module

import (
	"context"
	"errors"
	"fmt"
	iofs "io/fs"
	"os"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"qpyhub/device/modfs"
)

// syncShown is how many changes the confirmation lists by name; the
// counts above the list always cover all of them.
const syncShown = 200

// syncRequest is a sync the user is deciding on: the local folder, its
// plan (made with removals, so the dialog can offer them) and the
// dialog's widgets, kept so that tests can answer them.
type syncRequest struct {
	folder  string // the local folder's path, as shown
	local   iofs.FS
	plan    modfs.SyncPlan
	dialog  *dialog.ConfirmDialog
	summary *widget.Label
	delete  *widget.Check
}

// askSync picks a local folder, compares it with the folder shown and
// asks before changing anything.
func (p *FilesPanel) askSync() {
	p.openFolder(func(uri fyne.ListableURI, err error) {
		if err != nil {
			p.fail(err, "")
			return
		}
		if uri == nil {
			return // the user closed the dialog
		}
		if uri.Scheme() != "file" {
			p.fail(fmt.Errorf("%s", uri), lang.L("Only a folder on this computer can be synced."))
			return
		}
		p.planSync(uri.Path(), os.DirFS(uri.Path()))
	})
}

// planSync runs the dry run in the background, then shows it.
func (p *FilesPanel) planSync(folder string, local iofs.FS) {
	dir := p.dir
	var plan modfs.SyncPlan
	p.start(lang.L("Comparing {{.Folder}} with {{.Dir}}…", map[string]any{"Folder": folder, "Dir": dir}), false,
		func(ctx context.Context, port string) (err error) {
			plan, err = p.files.PlanSync(ctx, port, local, dir, modfs.SyncOptions{Delete: true})
			return err
		},
		func(err error) {
			if err != nil {
				p.fail(err, lang.L("{{.Folder}} could not be compared with {{.Dir}}; nothing was changed.", map[string]any{"Folder": folder, "Dir": dir}))
				return
			}
			p.confirmSync(&syncRequest{folder: folder, local: local, plan: plan})
		})
}

// confirmSync shows the plan: the counts, the changes, and whether to
// delete what the folder does not have. Nothing to do needs no dialog.
func (p *FilesPanel) confirmSync(req *syncRequest) {
	values := req.values()
	if len(req.plan.Changes()) == 0 {
		p.succeed(lang.L("{{.Dir}} already matches {{.Folder}}: {{.Unchanged}} files unchanged.", values))
		return
	}
	p.syncing = req
	p.Message.SetText(lang.L("Compared {{.Folder}} with {{.Dir}}.", values))
	req.summary = widget.NewLabel("")
	req.summary.Wrapping = fyne.TextWrapWord
	req.delete = widget.NewCheck(lang.L("Delete files not in the folder ({{.Deleted}})", values), nil)
	req.delete.OnChanged = func(bool) { req.summary.SetText(req.describe()) }
	widgets := []fyne.CanvasObject{req.summary}
	if req.plan.Count(modfs.SyncDelete)+req.plan.Count(modfs.SyncRmdir) == 0 {
		req.delete.Disable()
	}
	widgets = append(widgets, req.delete)
	changes := widget.NewLabel(req.changeLines())
	changes.TextStyle = fyne.TextStyle{Monospace: true}
	scroll := container.NewVScroll(changes)
	scroll.SetMinSize(fyne.NewSize(520, 220))
	req.summary.SetText(req.describe())
	content := container.NewBorder(container.NewVBox(widgets...), nil, nil, nil, scroll)
	req.dialog = dialog.NewCustomConfirm(lang.L("Sync {{.Folder}} to {{.Dir}}", values), lang.L("Sync"), lang.L("Cancel"), content,
		func(ok bool) {
			if !ok {
				p.syncing = nil
				p.Message.SetText(lang.L("Nothing was synced."))
				return
			}
			p.applySync(req)
		}, p.window)
	req.dialog.Show()
}

// values are the names and counts the sync's texts use.
func (req *syncRequest) values() map[string]any {
	return map[string]any{
		"Folder": req.folder, "Dir": req.plan.Remote,
		"Added": req.plan.Count(modfs.SyncAdd), "Changed": req.plan.Count(modfs.SyncChange),
		"Deleted": req.plan.Count(modfs.SyncDelete), "Unchanged": req.plan.Count(modfs.SyncSame),
		"Size": humanSize(req.plan.SendBytes()),
	}
}

// describe is the plan in one sentence, with or without the removals.
func (req *syncRequest) describe() string {
	values := req.values()
	if req.delete.Checked {
		return lang.L("To add: {{.Added}}; to change: {{.Changed}} ({{.Size}} to send); to delete: {{.Deleted}}; unchanged: {{.Unchanged}}.", values)
	}
	return lang.L("To add: {{.Added}}; to change: {{.Changed}} ({{.Size}} to send); unchanged: {{.Unchanged}}. Files on the module that are not in the folder stay.", values)
}

// chosen is the plan the user confirmed: without removals unless asked.
// Dropping them gives the same changes as planning without Delete.
func (req *syncRequest) chosen() modfs.SyncPlan {
	plan := req.plan
	if req.delete.Checked {
		return plan
	}
	plan.Options.Delete = false
	plan.Items = nil
	for _, it := range req.plan.Items {
		if it.Action != modfs.SyncDelete && it.Action != modfs.SyncRmdir {
			plan.Items = append(plan.Items, it)
		}
	}
	return plan
}

// changeLines lists the plan's changes, one a line, removals marked as
// such whether or not they are chosen.
func (req *syncRequest) changeLines() string {
	var b strings.Builder
	changes := req.plan.Changes()
	for i, it := range changes {
		if i == syncShown {
			b.WriteString(lang.L("… and {{.More}} more", map[string]any{"More": len(changes) - syncShown}))
			break
		}
		path := syncItemPath(req.plan.Remote, it)
		switch it.Action {
		case modfs.SyncAdd, modfs.SyncChange:
			fmt.Fprintf(&b, "%-6s %s (%s)\n", it.Action, path, humanSize(it.Size))
		default:
			fmt.Fprintf(&b, "%-6s %s\n", it.Action, path)
		}
	}
	return strings.TrimRight(b.String(), "\n")
}

// syncItemPath is the module path of a plan's item; folders end in "/".
func syncItemPath(remote string, it modfs.SyncItem) string {
	p := strings.TrimSuffix(remote, "/")
	if it.Path != "" {
		p += "/" + it.Path
	}
	if it.IsDir {
		p += "/"
	}
	return p
}

// applySync carries out the confirmed plan with progress per file and
// Cancel, then lists the folder again under the result line.
func (p *FilesPanel) applySync(req *syncRequest) {
	plan := req.chosen()
	total := len(plan.Changes())
	var done []modfs.SyncItem
	p.start(lang.L("Syncing {{.Folder}} to {{.Dir}}…", req.values()), true,
		func(ctx context.Context, port string) (err error) {
			done, err = p.files.ApplySync(ctx, port, req.local, plan, func(ev modfs.SyncEvent) { p.post(func() { p.syncProgress(plan.Remote, ev) }) })
			return err
		},
		func(err error) {
			p.syncing = nil
			values := req.values()
			values["Done"], values["Total"] = len(done), total
			switch {
			case errors.Is(err, context.Canceled):
				p.fail(err, lang.L("The sync was cancelled after {{.Done}} of {{.Total}} changes; a file being sent then is unchanged on the module.", values))
			case err != nil:
				p.fail(err, lang.L("The sync stopped after {{.Done}} of {{.Total}} changes; a file being sent then is unchanged on the module.", values))
			default:
				values["Deleted"] = countDone(done, modfs.SyncDelete)
				p.noteAfterList = lang.L("Synced {{.Folder}} to {{.Dir}}: {{.Added}} added, {{.Changed}} changed, {{.Deleted}} deleted, {{.Unchanged}} unchanged.", values)
				p.Reload()
			}
		})
}

// syncProgress shows which change runs and how far the whole sync is.
func (p *FilesPanel) syncProgress(remote string, ev modfs.SyncEvent) {
	if !p.Busy() || ev.Total == 0 {
		return
	}
	part := 0.0
	switch {
	case ev.Finished:
		part = 1
	case ev.Item.Size > 0:
		part = float64(ev.Done) / float64(ev.Item.Size)
	}
	p.Progress.SetValue((float64(ev.Index-1) + part) / float64(ev.Total))
	p.Message.SetText(lang.L("{{.Index}} of {{.Total}}: {{.Action}} {{.Path}}", map[string]any{
		"Index": ev.Index, "Total": ev.Total, "Action": string(ev.Item.Action), "Path": syncItemPath(remote, ev.Item)}))
}

func countDone(items []modfs.SyncItem, a modfs.SyncAction) int {
	n := 0
	for _, it := range items {
		if it.Action == a {
			n++
		}
	}
	return n
}
