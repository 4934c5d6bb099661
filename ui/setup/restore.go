package setup

import (
	"context"
	"qpyhub/ui/widgets"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// restoreTimeout bounds one restore: a few small files over the REPL.
const restoreTimeout = time.Minute

// restoreStep is the "undo" step of the Setup screen, for the module
// port chosen on the Ports screen.
type restoreStep struct {
	Button  *widget.Button
	Result  *widget.Label
	Confirm *dialog.ConfirmDialog // kept so tests can answer it

	restorer Restorer
	current  *widgets.ModulePort
	post     func(func())
	window   fyne.Window
	box      *fyne.Container
}

func newRestoreStep(w fyne.Window, restorer Restorer, current *widgets.ModulePort, post func(func())) *restoreStep {
	r := &restoreStep{restorer: restorer, current: current, post: post, window: w}
	about := widget.NewLabel(lang.L("Setup keeps the module's own main.py as /usr/main.py.qpyhub-bak. Restoring puts it back and removes the program and its config, key included.") +
		" " + lang.L("After a setup that kept main.py in place, restoring removes only the library and its config."))
	about.Wrapping = fyne.TextWrapWord
	r.Button = widget.NewButtonWithIcon(lang.L("Restore the module's own main.py…"), theme.HistoryIcon(), r.ask)
	r.Result = widget.NewLabel("")
	r.Result.Wrapping = fyne.TextWrapWord
	r.Result.Hide()
	r.box = container.NewVBox(about, container.NewHBox(r.Button), r.Result)
	return r
}

func (r *restoreStep) Content() fyne.CanvasObject { return r.box }

// ask confirms which module is about to be changed.
func (r *restoreStep) ask() {
	port := r.current.Name()
	if port == "" {
		r.show(lang.L("No module port: choose one on the Ports screen"), widget.WarningImportance)
		return
	}
	r.Confirm = dialog.NewConfirm(lang.L("Restore"), lang.L("Put the module's own main.py back on {{.Port}} and remove qpyhub's program and config?", map[string]any{"Port": port}),
		func(ok bool) {
			if ok {
				r.restore(port)
			}
		}, r.window)
	r.Confirm.Show()
}

// restore runs off the UI goroutine and reports back through post.
func (r *restoreStep) restore(port string) {
	r.Button.Disable()
	r.show(lang.L("Restoring {{.Port}}…", map[string]any{"Port": port}), widget.MediumImportance)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), restoreTimeout)
		defer cancel()
		err := r.restorer.Restore(ctx, port)
		r.post(func() {
			r.Button.Enable()
			if err != nil {
				r.show(widgets.ErrorText(err), widget.DangerImportance)
				return
			}
			r.show(lang.L("{{.Port}}: the module's own main.py is back; reset the module to run it.", map[string]any{"Port": port}), widget.SuccessImportance)
		})
	}()
}

func (r *restoreStep) show(text string, imp widget.Importance) {
	r.Result.SetText(text)
	r.Result.Importance = imp
	r.Result.Show()
	r.Result.Refresh()
}
