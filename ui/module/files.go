package module

import (
	"context"
	"fmt"
	"path"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"qpyhub/device/modfs"
	"qpyhub/ui/widgets"
)

// filesRoot is where a module keeps the user's files.
const filesRoot = "/usr"

// FilesPanel browses the module's /usr: folders, sizes, upload, download,
// delete, new folder, running a script, and syncing a local folder into
// the folder shown. One operation at a time.
type FilesPanel struct {
	Dir                             *widget.Label
	Up, Refresh, Open, NewFolder    *widget.Button
	Upload, Download, Delete, RunPy *widget.Button
	SyncFolder                      *widget.Button
	ApplyBundle                     *widget.Button // shown when the files service can apply bundles
	List                            *widget.List
	Message                         *widget.Label
	Progress                        *widget.ProgressBar
	Working                         *widget.ProgressBarInfinite
	Cancel                          *widget.Button
	Output                          *widget.Entry // what a script printed

	// Dialogs of the last request, kept so that tests can answer them.
	confirmDelete *dialog.ConfirmDialog
	folderForm    *dialog.FormDialog
	folderName    *widget.Entry
	syncing       *syncRequest   // the sync being confirmed or applied
	bundle        *bundleRequest // the bundle being confirmed or applied

	// openFile and saveFile ask the user for a local file; tests replace them.
	openFile func(func(fyne.URIReadCloser, error))
	saveFile func(name string, done func(fyne.URIWriteCloser, error))
	// openFolder asks the user for a local folder; tests replace it.
	openFolder func(func(fyne.ListableURI, error))

	dir      string
	entries  []modfs.Entry
	selected int // index in entries, -1 when none
	loaded   bool
	cancel   context.CancelFunc // of the operation running, nil when idle
	// noteAfterList replaces the entry count once the next listing is
	// in: the result of the change that asked for it.
	noteAfterList string
	noteFailed    bool // the note tells of a failure

	window  fyne.Window
	files   Files
	applier BundleApplier // nil when files cannot apply bundles
	current *widgets.ModulePort
	post    func(func())
	content fyne.CanvasObject
}

func newFilesPanel(w fyne.Window, files Files, current *widgets.ModulePort, post func(func())) *FilesPanel {
	p := &FilesPanel{window: w, files: files, current: current, post: post, dir: filesRoot, selected: -1}
	p.openFile = func(done func(fyne.URIReadCloser, error)) { dialog.ShowFileOpen(done, w) }
	p.saveFile = func(name string, done func(fyne.URIWriteCloser, error)) {
		d := dialog.NewFileSave(done, w)
		d.SetFileName(name)
		d.Show()
	}
	p.openFolder = func(done func(fyne.ListableURI, error)) { dialog.ShowFolderOpen(done, w) }
	p.Dir = widget.NewLabelWithStyle(filesRoot, fyne.TextAlignLeading, fyne.TextStyle{Monospace: true})
	p.Up = widget.NewButtonWithIcon("", theme.MoveUpIcon(), p.goUp)
	p.Refresh = widget.NewButtonWithIcon(lang.L("Refresh"), theme.ViewRefreshIcon(), p.Reload)
	p.Open = widget.NewButtonWithIcon(lang.L("Open folder"), theme.FolderOpenIcon(), p.openSelected)
	p.NewFolder = widget.NewButtonWithIcon(lang.L("New folder"), theme.FolderNewIcon(), p.askNewFolder)
	p.Upload = widget.NewButtonWithIcon(lang.L("Upload…"), theme.UploadIcon(), p.askUpload)
	p.Download = widget.NewButtonWithIcon(lang.L("Download…"), theme.DownloadIcon(), p.askDownload)
	p.Delete = widget.NewButtonWithIcon(lang.L("Delete"), theme.DeleteIcon(), p.askDelete)
	p.RunPy = widget.NewButtonWithIcon(lang.L("Run script"), theme.MediaPlayIcon(), p.runSelected)
	p.SyncFolder = widget.NewButtonWithIcon(lang.L("Sync a folder…"), theme.MediaReplayIcon(), p.askSync)
	p.ApplyBundle = widget.NewButtonWithIcon(lang.L("Apply a bundle…"), theme.DownloadIcon(), p.askApplyBundle)
	p.applier, _ = files.(BundleApplier)
	if p.applier == nil {
		p.ApplyBundle.Hide()
	}
	p.List = widget.NewList(func() int { return len(p.entries) }, newFileRow, p.updateRow)
	p.List.OnSelected = func(id widget.ListItemID) { p.selected = id; p.updateButtons() }
	p.List.OnUnselected = func(widget.ListItemID) { p.selected = -1; p.updateButtons() }
	p.Message = widget.NewLabel(lang.L("Press Refresh to read the files on the module."))
	p.Message.Wrapping = fyne.TextWrapWord
	p.Progress = widget.NewProgressBar()
	p.Progress.Hide()
	p.Working = widget.NewProgressBarInfinite()
	p.Working.Stop()
	p.Working.Hide()
	p.Cancel = widget.NewButtonWithIcon(lang.L("Cancel"), theme.CancelIcon(), p.CancelOperation)
	p.Cancel.Hide()
	p.Output = widget.NewMultiLineEntry()
	p.Output.TextStyle = fyne.TextStyle{Monospace: true}
	p.Output.Wrapping = fyne.TextWrapBreak
	p.Output.SetMinRowsVisible(6)
	p.Output.Hide()

	// Applying a bundle acts on the whole module, not the folder shown:
	// it sits apart from the folder's actions, which fill the width.
	nav := container.NewBorder(nil, nil, p.Up, container.NewHBox(p.Refresh, p.ApplyBundle), p.Dir)
	actions := container.NewHBox(p.Open, p.NewFolder, p.Upload, p.Download, p.Delete, p.RunPy, p.SyncFolder)
	progress := container.NewBorder(nil, nil, nil, p.Cancel, container.NewVBox(p.Progress, p.Working))
	bottom := container.NewVBox(progress, p.Message, p.Output)
	p.content = container.NewBorder(container.NewVBox(nav, actions), bottom, nil, nil, p.List)
	p.updateButtons()
	return p
}

// Content is the panel's widget tree.
func (p *FilesPanel) Content() fyne.CanvasObject { return p.content }

// Entries are the names shown, folders first.
func (p *FilesPanel) Entries() []modfs.Entry { return p.entries }

// CurrentDir is the module folder shown.
func (p *FilesPanel) CurrentDir() string { return p.dir }

// Busy tells whether an operation runs.
func (p *FilesPanel) Busy() bool { return p.cancel != nil }

func newFileRow() fyne.CanvasObject {
	size := widget.NewLabel("")
	size.Alignment = fyne.TextAlignTrailing
	return container.NewBorder(nil, nil, widget.NewIcon(theme.FileIcon()), size, widget.NewLabel(""))
}

func (p *FilesPanel) updateRow(id widget.ListItemID, o fyne.CanvasObject) {
	if id < 0 || id >= len(p.entries) {
		return
	}
	e := p.entries[id]
	row := o.(*fyne.Container)
	name, icon, size := row.Objects[0].(*widget.Label), row.Objects[1].(*widget.Icon), row.Objects[2].(*widget.Label)
	if e.IsDir {
		name.SetText(e.Name + "/")
		icon.SetResource(theme.FolderIcon())
		size.SetText(lang.L("folder"))
		return
	}
	name.SetText(e.Name)
	icon.SetResource(theme.FileIcon())
	size.SetText(humanSize(e.Size))
}

// portChanged forgets the listing of another module.
func (p *FilesPanel) portChanged() {
	p.loaded = false
	p.dir = filesRoot
	p.showEntries(nil)
	p.Message.SetText(lang.L("Press Refresh to read the files on the module."))
	p.updateButtons()
}

// Shown lists the folder the first time the panel is looked at.
func (p *FilesPanel) Shown() {
	if !p.loaded && p.current.Name() != "" && !p.Busy() {
		p.Reload()
	}
}

// Reload lists the current folder again.
func (p *FilesPanel) Reload() { p.listDir(p.dir) }

func (p *FilesPanel) listDir(dir string) {
	var list []modfs.Entry
	p.start(lang.L("Reading {{.Dir}}…", map[string]any{"Dir": dir}), false,
		func(ctx context.Context, port string) (err error) {
			list, err = p.files.List(ctx, port, dir)
			return err
		},
		func(err error) {
			note, failed := p.noteAfterList, p.noteFailed
			p.noteAfterList, p.noteFailed = "", false
			if err != nil {
				p.fail(err, note)
				return
			}
			p.dir, p.loaded = dir, true
			p.Dir.SetText(dir)
			p.showEntries(list)
			if note != "" && failed {
				p.Message.Importance = widget.DangerImportance
				p.Message.SetText(note)
				return
			}
			if note != "" {
				p.succeed(note)
				return
			}
			p.Message.SetText(lang.L("{{.Count}} entries in {{.Dir}}", map[string]any{"Count": len(list), "Dir": dir}))
		})
}

func (p *FilesPanel) showEntries(list []modfs.Entry) {
	p.entries = list
	p.selected = -1
	p.List.UnselectAll()
	p.List.Refresh()
}

// selectedEntry is the entry the user picked, if any.
func (p *FilesPanel) selectedEntry() (modfs.Entry, bool) {
	if p.selected < 0 || p.selected >= len(p.entries) {
		return modfs.Entry{}, false
	}
	return p.entries[p.selected], true
}

func (p *FilesPanel) selectedPath() string {
	e, _ := p.selectedEntry()
	return path.Join(p.dir, e.Name)
}

func (p *FilesPanel) openSelected() {
	if e, ok := p.selectedEntry(); ok && e.IsDir {
		p.listDir(path.Join(p.dir, e.Name))
	}
}

func (p *FilesPanel) goUp() {
	if p.dir != filesRoot {
		p.listDir(path.Dir(p.dir))
	}
}

func (p *FilesPanel) askNewFolder() {
	p.folderName = widget.NewEntry()
	p.folderName.Validator = func(s string) error {
		if strings.TrimSpace(s) == "" || strings.ContainsAny(s, "/\\") {
			return fmt.Errorf("%s", lang.L("a name without slashes"))
		}
		return nil
	}
	items := []*widget.FormItem{widget.NewFormItem(lang.L("Name"), p.folderName)}
	p.folderForm = dialog.NewForm(lang.L("New folder in {{.Dir}}", map[string]any{"Dir": p.dir}), lang.L("Create"), lang.L("Cancel"), items,
		func(ok bool) {
			if !ok {
				return
			}
			target := path.Join(p.dir, strings.TrimSpace(p.folderName.Text))
			p.start(lang.L("Creating {{.Path}}…", map[string]any{"Path": target}), false,
				func(ctx context.Context, port string) error { return p.files.Mkdir(ctx, port, target) },
				p.afterChange)
		}, p.window)
	p.folderForm.Show()
}

func (p *FilesPanel) askDelete() {
	e, ok := p.selectedEntry()
	if !ok {
		return
	}
	target := path.Join(p.dir, e.Name)
	p.confirmDelete = dialog.NewConfirm(lang.L("Delete"), lang.L("Delete {{.Path}} from the module? This cannot be undone.", map[string]any{"Path": target}),
		func(ok bool) {
			if !ok {
				return
			}
			p.start(lang.L("Deleting {{.Path}}…", map[string]any{"Path": target}), false,
				func(ctx context.Context, port string) error { return p.files.Remove(ctx, port, target) },
				p.afterChange)
		}, p.window)
	p.confirmDelete.SetConfirmImportance(widget.DangerImportance)
	p.confirmDelete.Show()
}

// afterChange lists the folder again after a change, or says why the
// change failed.
func (p *FilesPanel) afterChange(err error) {
	if err != nil {
		p.fail(err, "")
		return
	}
	p.Reload()
}

func (p *FilesPanel) updateButtons() {
	e, picked := p.selectedEntry()
	idle := !p.Busy() && p.current.Name() != ""
	widgets.EnableIf(p.Refresh, idle)
	widgets.EnableIf(p.Up, idle && p.loaded && p.dir != filesRoot)
	widgets.EnableIf(p.NewFolder, idle && p.loaded)
	widgets.EnableIf(p.Upload, idle && p.loaded)
	widgets.EnableIf(p.SyncFolder, idle && p.loaded)
	widgets.EnableIf(p.ApplyBundle, idle)
	widgets.EnableIf(p.Open, idle && picked && e.IsDir)
	widgets.EnableIf(p.Download, idle && picked && !e.IsDir)
	widgets.EnableIf(p.Delete, idle && picked)
	widgets.EnableIf(p.RunPy, idle && picked && !e.IsDir && strings.HasSuffix(e.Name, ".py"))
}

// humanSize writes a byte count the way file managers do.
func humanSize(n int64) string {
	switch {
	case n < 1024:
		return fmt.Sprintf("%d B", n)
	case n < 1024*1024:
		return fmt.Sprintf("%.1f KiB", float64(n)/1024)
	}
	return fmt.Sprintf("%.1f MiB", float64(n)/(1024*1024))
}
