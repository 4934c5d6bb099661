package devices

import (
	"context"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"qpyhub/cloud/registry"
	"qpyhub/ui/widgets"
)

// oneByOne is how many ticked devices are changed one call at a time;
// more become one job of the hub.
const oneByOne = 10

// jobPoll is how often a running job's progress is read.
const jobPoll = 500 * time.Millisecond

// bulkPanel acts on the ticked devices.
type bulkPanel struct {
	s                       *Screen
	Ticked                  *widget.Label
	Desired, Tags           *widget.Entry
	Set                     *widget.Button
	Method, Payload         *widget.Entry
	Call                    *widget.Button
	Enable, Disable, Delete *widget.Button
	Export                  *widget.Button
	Progress                *widget.Label
	Results                 *widget.Label
	content                 fyne.CanvasObject
}

func newBulkPanel(s *Screen) *bulkPanel {
	b := &bulkPanel{s: s, Ticked: widget.NewLabel(""), Progress: widget.NewLabel(""), Results: widget.NewLabel("")}
	b.Results.Wrapping = fyne.TextWrapWord
	b.Desired, b.Tags = widget.NewEntry(), widget.NewEntry()
	b.Desired.SetPlaceHolder(`{"qpyhub": {"heartbeat": 60}}`)
	b.Tags.SetPlaceHolder(`{"site": "lab"}`)
	b.Set = widget.NewButton(lang.L("Set on the ticked devices"), b.setTwin)
	b.Method, b.Payload = widget.NewEntry(), widget.NewEntry()
	b.Method.SetPlaceHolder(lang.L("method name, e.g. ping"))
	b.Payload.SetPlaceHolder(lang.L("payload, JSON (optional)"))
	b.Call = widget.NewButton(lang.L("Call on the ticked devices"), b.callMethod)
	b.Enable = widget.NewButton(lang.L("Enable"), func() { b.confirmStatus(registry.StatusEnabled) })
	b.Disable = widget.NewButton(lang.L("Disable"), func() { b.confirmStatus(registry.StatusDisabled) })
	b.Delete = widget.NewButton(lang.L("Delete"), b.confirmDelete)
	b.Export = widget.NewButton(lang.L("Export to CSV"), b.export)
	form := widget.NewForm(
		widget.NewFormItem(lang.L("Desired"), b.Desired),
		widget.NewFormItem(lang.L("Tags"), b.Tags))
	method := container.NewGridWithColumns(2, b.Method, b.Payload)
	b.content = container.NewVScroll(container.NewVBox(b.Ticked, form, b.Set, widget.NewSeparator(), method, b.Call,
		widget.NewSeparator(), container.NewHBox(b.Enable, b.Disable, b.Delete, b.Export), b.Progress, b.Results))
	b.refresh()
	return b
}

// refresh shows the count and enables the actions that have devices.
func (b *bulkPanel) refresh() {
	n := len(b.s.checked)
	b.Ticked.SetText(lang.L("{{.Count}} ticked devices", map[string]any{"Count": n}))
	for _, w := range []fyne.Disableable{b.Set, b.Call, b.Enable, b.Disable, b.Delete} {
		if n == 0 || b.s.fleet == nil {
			w.Disable()
		} else {
			w.Enable()
		}
	}
}

// setTwin merges the desired properties and tags into every ticked
// device.
func (b *bulkPanel) setTwin() {
	desired, derr := objectOf(b.Desired.Text)
	tags, terr := objectOf(b.Tags.Text)
	switch {
	case derr != nil || terr != nil:
		b.Results.SetText(lang.L("Desired properties and tags must be JSON objects such as {\"site\": \"lab\"}."))
		return
	case desired == nil && tags == nil:
		b.Results.SetText(lang.L("Type desired properties or tags first."))
		return
	}
	ids, f := b.s.tickedIDs(), b.s.fleet
	if len(ids) > oneByOne {
		b.runJob(func(ctx context.Context) (registry.Job, error) {
			return f.StartUpdateTwinJob(ctx, idCondition(ids), desired, tags)
		})
		return
	}
	b.eachDevice(ids, func(ctx context.Context, id string) (string, error) {
		_, err := f.UpdateTwin(ctx, id, desired, tags)
		return lang.L("updated"), err
	})
}

// callMethod calls the method on every ticked device.
func (b *bulkPanel) callMethod() {
	payload, err := payloadOf(b.Payload.Text)
	if err != nil || strings.TrimSpace(b.Method.Text) == "" {
		b.Results.SetText(lang.L("Type a method name, and a payload in JSON if it takes one."))
		return
	}
	ids, f, name := b.s.tickedIDs(), b.s.fleet, strings.TrimSpace(b.Method.Text)
	if len(ids) > oneByOne {
		b.runJob(func(ctx context.Context) (registry.Job, error) {
			return f.StartMethodJob(ctx, idCondition(ids), name, payload, 30*time.Second)
		})
		return
	}
	b.eachDevice(ids, func(ctx context.Context, id string) (string, error) {
		res, err := f.InvokeMethod(ctx, id, name, payload, 30*time.Second)
		return lang.L("status {{.Status}}", map[string]any{"Status": res.Status}) + " " + string(res.Payload), err
	})
}

// confirmStatus asks before enabling or disabling, naming the count.
func (b *bulkPanel) confirmStatus(status string) {
	ids, f := b.s.tickedIDs(), b.s.fleet
	question := lang.L("Enable {{.Count}} devices?", map[string]any{"Count": len(ids)})
	if status == registry.StatusDisabled {
		question = lang.L("Disable {{.Count}} devices? They cannot connect until enabled again.", map[string]any{"Count": len(ids)})
	}
	dialog.ShowConfirm(lang.L("Change devices"), question, func(ok bool) {
		if ok {
			b.eachDevice(ids, func(ctx context.Context, id string) (string, error) {
				d, err := f.SetStatus(ctx, id, status)
				return statusText(d.Status), err
			})
		}
	}, b.s.win)
}

// confirmDelete asks before deleting, naming the count.
func (b *bulkPanel) confirmDelete() {
	ids, f := b.s.tickedIDs(), b.s.fleet
	question := lang.L("Delete {{.Count}} devices from the hub? Their keys stop working and their twins are lost.", map[string]any{"Count": len(ids)})
	dialog.ShowConfirm(lang.L("Delete devices"), question, func(ok bool) {
		if ok {
			b.eachDevice(ids, func(ctx context.Context, id string) (string, error) {
				return lang.L("deleted"), f.DeleteDevice(ctx, id)
			})
		}
	}, b.s.win)
}

// eachDevice runs do for each device in the background and shows one
// result line per device as it comes.
func (b *bulkPanel) eachDevice(ids []string, do func(ctx context.Context, id string) (string, error)) {
	b.Results.SetText("")
	b.Progress.SetText(lang.L("Working on {{.Count}} devices…", map[string]any{"Count": len(ids)}))
	go func() {
		var lines []string
		for i, id := range ids {
			ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
			result, err := do(ctx, id)
			cancel()
			if err != nil {
				result = widgets.ErrorText(err)
			}
			lines = append(lines, id+": "+result)
			text, done := strings.Join(lines, "\n"), i+1
			b.s.post(func() {
				b.Results.SetText(text)
				b.Progress.SetText(lang.L("{{.Done}} of {{.Count}} devices done", map[string]any{"Done": done, "Count": len(ids)}))
			})
		}
	}()
}

// runJob starts a job and shows its progress until it ends.
func (b *bulkPanel) runJob(start func(ctx context.Context) (registry.Job, error)) {
	b.Results.SetText("")
	b.Progress.SetText(lang.L("Starting a job…"))
	f := b.s.fleet
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Hour)
		defer cancel()
		job, err := start(ctx)
		for err == nil {
			j := job
			b.s.post(func() { b.Progress.SetText(jobText(j)) })
			if job.Done() {
				return
			}
			select {
			case <-time.After(jobPoll):
			case <-ctx.Done():
				return
			}
			job, err = f.GetJob(ctx, job.JobID)
		}
		b.s.post(func() { b.Progress.SetText(widgets.ErrorText(err)) })
	}()
}

// jobText is a job's progress in one line.
func jobText(j registry.Job) string {
	st := j.Statistics
	return lang.L("Job {{.Status}}: {{.Done}} of {{.Count}} devices done, {{.Failed}} failed",
		map[string]any{"Status": j.Status, "Done": st.SucceededCount + st.FailedCount, "Count": st.DeviceCount, "Failed": st.FailedCount})
}

// export saves the ticked rows, or every loaded row when none is ticked.
func (b *bulkPanel) export() {
	dialog.ShowFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil || w == nil {
			return
		}
		defer w.Close()
		if err := b.s.ExportCSV(w); err != nil {
			b.Results.SetText(widgets.ErrorText(err))
		}
	}, b.s.win)
}

// ExportCSV writes the ticked rows, or every loaded row when none is
// ticked, as CSV.
func (s *Screen) ExportCSV(w interface{ Write([]byte) (int, error) }) error {
	items := s.rows.items
	if len(s.checked) > 0 {
		items = nil
		for _, d := range s.rows.items {
			if s.checked[d.DeviceID] {
				items = append(items, d)
			}
		}
	}
	return writeCSV(w, items)
}
