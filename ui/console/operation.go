package console

import (
	"context"
	"qpyhub/ui/widgets"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// operationTimeout bounds one console action (a send, a twin read, a
// method call) so a dead connection ends in a message, not a spinner.
const operationTimeout = 60 * time.Second

// operation is a button that starts slow work off the UI goroutine, with a
// spinner, a cancel button and a line for the outcome.
type operation struct {
	Start  *widget.Button
	Cancel *widget.Button
	Busy   *widget.Activity
	Result *widget.Label

	post   func(func())
	cancel context.CancelFunc
	box    *fyne.Container
}

// job is slow work: it runs in a goroutine and returns what to do on the
// UI goroutine once it succeeded (nil for nothing).
type job func(ctx context.Context) (func(), error)

// newOperation makes the controls. prepare runs on the UI goroutine: it
// reads and checks the inputs and returns the job, so the job never
// touches a widget.
func newOperation(label string, post func(func()), prepare func() (job, error)) *operation {
	o := &operation{post: post, Busy: widget.NewActivity(), Result: widget.NewLabel("")}
	o.Result.Wrapping = fyne.TextWrapWord
	o.Cancel = widget.NewButtonWithIcon(lang.L("Cancel"), theme.CancelIcon(), o.stop)
	o.Cancel.Hide()
	o.Busy.Hide()
	o.Start = widget.NewButton(label, func() { o.run(prepare) })
	o.Start.Importance = widget.HighImportance
	o.box = container.NewVBox(container.NewHBox(o.Start, o.Cancel, o.Busy), o.Result)
	return o
}

// Content is the operation's widget tree.
func (o *operation) Content() fyne.CanvasObject { return o.box }

// Running tells whether the work is under way.
func (o *operation) Running() bool { return o.cancel != nil }

func (o *operation) run(prepare func() (job, error)) {
	if o.cancel != nil {
		return
	}
	work, err := prepare()
	if err != nil {
		o.setResult(widgets.ErrorText(err), true)
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), operationTimeout)
	o.cancel = cancel
	o.Start.Disable()
	o.Cancel.Show()
	o.Busy.Show()
	o.Busy.Start()
	o.setResult("", false)
	go func() {
		done, err := work(ctx)
		o.post(func() {
			cancel()
			o.cancel = nil
			o.Busy.Stop()
			o.Busy.Hide()
			o.Cancel.Hide()
			o.Start.Enable()
			if err != nil {
				o.setResult(widgets.ErrorText(err), true)
				return
			}
			if done != nil {
				done()
			}
		})
	}()
}

func (o *operation) stop() {
	if o.cancel != nil {
		o.cancel()
	}
}

// setResult shows an outcome under the button, in red for an error.
func (o *operation) setResult(text string, isError bool) {
	o.Result.Importance = widget.MediumImportance
	if isError {
		o.Result.Importance = widget.DangerImportance
	}
	o.Result.SetText(text)
}
