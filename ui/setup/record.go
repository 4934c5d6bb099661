package setup

import (
	"path/filepath"
	"qpyhub/app/provision"
	"qpyhub/ui/widgets"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// prefRecordFile remembers where setup records go (the path only).
const prefRecordFile = "setup.recordFile"

// defaultRecordName is the file name offered in a newly chosen folder.
const defaultRecordName = "qpyhub-setup.csv"

// recordStep is step 4: the file that gets one line per module, in CSV
// or JSON lines. The folder is chosen with a dialog and the name typed:
// a file-save dialog would empty an existing record before we append.
type recordStep struct {
	File   *widgets.InputField
	Choose *widget.Button

	// chooseFolder asks for a folder; tests replace it.
	chooseFolder func(func(fyne.ListableURI, error))
	box          *fyne.Container
}

func newRecordStep(w fyne.Window) *recordStep {
	r := &recordStep{}
	r.chooseFolder = func(done func(fyne.ListableURI, error)) { dialog.ShowFolderOpen(done, w) }
	e := widget.NewEntry()
	e.SetPlaceHolder(lang.L("no record kept"))
	e.SetText(fyne.CurrentApp().Preferences().String(prefRecordFile))
	r.File = widgets.NewInputField(lang.L("Record file (.csv, or .jsonl for JSON lines)"), e)
	r.Choose = widget.NewButtonWithIcon(lang.L("Choose folder…"), theme.FolderOpenIcon(), r.askFolder)
	note := widget.NewLabel(lang.L("One line per module: port, IMEI, ICCID, device id, hub, result. Never a key or a token."))
	note.Wrapping = fyne.TextWrapWord
	note.Importance = widget.LowImportance
	r.box = container.NewVBox(r.File.Content(), container.NewHBox(r.Choose), note)
	return r
}

func (r *recordStep) Content() fyne.CanvasObject { return r.box }

// askFolder puts the chosen folder in front of the current file name.
func (r *recordStep) askFolder() {
	r.chooseFolder(func(dir fyne.ListableURI, err error) {
		if err != nil || dir == nil {
			return
		}
		name := filepath.Base(strings.TrimSpace(r.File.Entry.Text))
		if name == "." || name == string(filepath.Separator) || !recordExtOK(name) {
			name = defaultRecordName
		}
		r.File.Entry.SetText(filepath.Join(dir.Path(), name))
	})
}

// fill checks the file name and remembers it for next time.
func (r *recordStep) fill(plan *provision.Plan) bool {
	r.File.SetError(nil)
	path := strings.TrimSpace(r.File.Entry.Text)
	if path != "" && !recordExtOK(path) {
		r.File.SetError(errRecordExt)
		return false
	}
	plan.RecordFile = path
	return true
}

// remember stores the path used, so the next tray goes to the same file.
func (r *recordStep) remember(path string) {
	fyne.CurrentApp().Preferences().SetString(prefRecordFile, path)
}

const errRecordExt fieldHint = "Name the file .csv, or .jsonl for JSON lines."

func recordExtOK(path string) bool {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".csv", ".jsonl":
		return true
	}
	return false
}
