package devices

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"qpyhub/cloud/registry"
	"qpyhub/ui/widgets"
)

// detailPane shows one device's twin, lets the user change its desired
// properties and tags, and calls a direct method on it.
type detailPane struct {
	s       *Screen
	Title   *widget.Label
	Twin    *widget.Entry // the whole twin, read only
	Desired *widget.Entry
	Tags    *widget.Entry
	Save    *widget.Button
	Method  *widget.Entry
	Payload *widget.Entry
	Call    *widget.Button
	Answer  *widget.Label
	// Telemetry is the device's last message on a hub that keeps them.
	Telemetry *widget.Label
	shown     registry.Twin // the twin as loaded, to tell what was removed
	content   fyne.CanvasObject
}

func newDetailPane(s *Screen) *detailPane {
	d := &detailPane{s: s, Title: widget.NewLabel(lang.L("Pick a device in the list."))}
	d.Twin = widget.NewMultiLineEntry()
	d.Twin.Disable()
	d.Twin.SetMinRowsVisible(8)
	d.Desired, d.Tags = widget.NewMultiLineEntry(), widget.NewMultiLineEntry()
	d.Save = widget.NewButton(lang.L("Save desired properties and tags"), d.save)
	d.Method, d.Payload = widget.NewEntry(), widget.NewEntry()
	d.Method.SetPlaceHolder(lang.L("method name, e.g. ping"))
	d.Payload.SetPlaceHolder(lang.L("payload, JSON (optional)"))
	d.Call = widget.NewButton(lang.L("Call"), d.call)
	d.Answer = widget.NewLabel("")
	d.Answer.Wrapping = fyne.TextWrapWord
	d.Telemetry = widget.NewLabel("")
	d.Telemetry.Wrapping = fyne.TextWrapWord
	form := widget.NewForm(
		widget.NewFormItem(lang.L("Desired"), d.Desired),
		widget.NewFormItem(lang.L("Tags"), d.Tags))
	method := container.NewBorder(nil, nil, nil, d.Call, container.NewGridWithColumns(2, d.Method, d.Payload))
	d.content = container.NewVScroll(container.NewVBox(d.Title, d.Twin, d.Telemetry, form, d.Save, widget.NewSeparator(), method, d.Answer))
	d.enable(false)
	return d
}

func (d *detailPane) enable(on bool) {
	for _, w := range []fyne.Disableable{d.Desired, d.Tags, d.Save, d.Method, d.Payload, d.Call} {
		if on {
			w.Enable()
		} else {
			w.Disable()
		}
	}
}

// showDevice loads a device's twin into the detail pane.
func (s *Screen) showDevice(id string) {
	s.current = id
	s.detail.Title.SetText(id)
	s.detail.Answer.SetText("")
	f := s.fleet
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
		defer cancel()
		tw, err := f.GetTwin(ctx, id)
		s.post(func() {
			if s.current != id {
				return
			}
			if err != nil {
				s.say(widgets.ErrorText(err))
				return
			}
			s.detail.show(tw)
		})
	}()
}

func (d *detailPane) show(tw registry.Twin) {
	d.shown = tw
	d.Twin.SetText(indent(tw))
	d.Telemetry.SetText(lastTelemetry(d.s.fleet, tw.DeviceID))
	d.Desired.SetText(indent(withoutMeta(tw.Properties.Desired)))
	d.Tags.SetText(indent(tw.Tags))
	d.enable(true)
}

// save sends the edited desired properties and tags as a patch.
func (d *detailPane) save() {
	desired, err := objectOf(d.Desired.Text)
	if err != nil {
		d.Answer.SetText(lang.L("Desired properties: {{.Why}}", map[string]any{"Why": err.Error()}))
		return
	}
	tags, err := objectOf(d.Tags.Text)
	if err != nil {
		d.Answer.SetText(lang.L("Tags: {{.Why}}", map[string]any{"Why": err.Error()}))
		return
	}
	d.Answer.SetText(lang.L("Saving…"))
	desired = removals(withoutMeta(d.shown.Properties.Desired), desired)
	tags = removals(d.shown.Tags, tags)
	id, f := d.s.current, d.s.fleet
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
		defer cancel()
		tw, err := f.UpdateTwin(ctx, id, desired, tags)
		d.s.post(func() {
			if err != nil {
				d.Answer.SetText(widgets.ErrorText(err))
				return
			}
			d.Answer.SetText(lang.L("Saved."))
			if d.s.current == id {
				d.show(tw)
			}
		})
	}()
}

// call calls the method on the device and shows its answer.
func (d *detailPane) call() {
	payload, err := payloadOf(d.Payload.Text)
	if err != nil {
		d.Answer.SetText(err.Error())
		return
	}
	id, f, name := d.s.current, d.s.fleet, d.Method.Text
	d.Answer.SetText(lang.L("Calling {{.Method}}…", map[string]any{"Method": name}))
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
		defer cancel()
		res, err := f.InvokeMethod(ctx, id, name, payload, 30*time.Second)
		d.s.post(func() {
			if err != nil {
				d.Answer.SetText(widgets.ErrorText(err))
				return
			}
			d.Answer.SetText(lang.L("Status {{.Status}}: {{.Payload}}", map[string]any{"Status": res.Status, "Payload": string(res.Payload)}))
		})
	}()
}

// removals turns an edited section into a patch: the keys the user took
// out become null, which removes them (a twin patch only merges).
func removals(before, edited map[string]any) map[string]any {
	if edited == nil && len(before) > 0 {
		edited = map[string]any{}
	}
	for k := range before {
		if _, kept := edited[k]; !kept {
			edited[k] = nil
		}
	}
	return edited
}

func indent(v any) string {
	b, _ := json.MarshalIndent(v, "", "  ")
	return string(b)
}

// withoutMeta drops "$version" and "$metadata", which a patch may not set.
func withoutMeta(m map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range m {
		if k != "$version" && k != "$metadata" {
			out[k] = v
		}
	}
	return out
}

// lastTelemetry words the device's last message, "" on a hub that keeps
// none (an Azure hub: its messages go to the Event Hubs endpoint).
func lastTelemetry(f Fleet, id string) string {
	r, ok := f.(TelemetryReader)
	if !ok {
		return ""
	}
	at, payload, ok := r.LastTelemetry(id)
	if !ok {
		return lang.L("No telemetry from this device yet.")
	}
	text := strings.ToValidUTF8(string(payload), "�")
	if len([]rune(text)) > 200 {
		text = string([]rune(text)[:199]) + "…"
	}
	return lang.L("Last telemetry, {{.Time}}: {{.Payload}}", map[string]any{"Time": at.Local().Format("2006-01-02 15:04:05"), "Payload": text})
}
