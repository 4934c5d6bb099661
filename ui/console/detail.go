package console

import (
	"qpyhub/ui/widgets"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// DetailPane shows one message in full: topic, properties and payload.
type DetailPane struct {
	Heading    *widget.Label
	Topic      *widget.Label
	Properties *fyne.Container // name and value labels, two columns
	Format     *widget.Label
	Payload    *widget.Label
	Copy       *widget.Button

	entry   *LogEntry
	content fyne.CanvasObject
}

func newDetailPane() *DetailPane {
	d := &DetailPane{
		Heading:    widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		Topic:      widget.NewLabel(""),
		Properties: container.New(layout.NewFormLayout()),
		Format:     widget.NewLabel(""),
		Payload:    widget.NewLabel(""),
	}
	d.Topic.Selectable = true
	d.Topic.Wrapping = fyne.TextWrapBreak
	d.Topic.TextStyle = fyne.TextStyle{Monospace: true}
	d.Payload.Selectable = true
	d.Payload.TextStyle = fyne.TextStyle{Monospace: true}
	d.Format.Importance = widget.LowImportance
	d.Copy = widget.NewButtonWithIcon(lang.L("Copy payload"), theme.ContentCopyIcon(), func() {
		if d.entry != nil {
			fyne.CurrentApp().Clipboard().SetContent(string(d.entry.Payload))
		}
	})
	d.Copy.Importance = widget.LowImportance
	body := container.NewVBox(d.Heading, d.Topic, d.Properties, container.NewBorder(nil, nil, d.Format, d.Copy), d.Payload)
	d.content = container.NewScroll(body)
	d.show(nil)
	return d
}

// Content is the pane's widget tree.
func (d *DetailPane) Content() fyne.CanvasObject { return d.content }

// Entry is the message shown, or nil.
func (d *DetailPane) Entry() *LogEntry { return d.entry }

// PropertyText returns the value shown for property name, for tests and
// for reading back what the pane shows.
func (d *DetailPane) PropertyText(name string) (string, bool) {
	objs := d.Properties.Objects
	for i := 0; i+1 < len(objs); i += 2 {
		if objs[i].(*widget.Label).Text == name {
			return objs[i+1].(*widget.Label).Text, true
		}
	}
	return "", false
}

// show fills the pane with e; nil shows a hint.
func (d *DetailPane) show(e *LogEntry) {
	d.entry = e
	d.Properties.RemoveAll()
	if e == nil {
		d.Heading.SetText(lang.L("Select a message to see it in full."))
		d.Topic.SetText("")
		d.Format.SetText("")
		d.Payload.SetText("")
		d.Copy.Disable()
		return
	}
	title := e.Title
	if e.FixedTitle {
		title = lang.L(e.Title)
	}
	d.Heading.SetText(kindLabel(e.Kind) + " · " + title + " · " + e.Time.Local().Format(time.DateTime+".000"))
	d.Topic.SetText(e.Topic)
	for _, p := range e.Props {
		name := widget.NewLabelWithStyle(p.Name, fyne.TextAlignTrailing, fyne.TextStyle{Bold: true})
		value := p.Value
		if p.Name == "reason" {
			value = lang.L(value)
		}
		v := widget.NewLabel(value)
		v.Selectable = true
		v.Wrapping = fyne.TextWrapBreak
		d.Properties.Add(name)
		d.Properties.Add(v)
	}
	d.Properties.Refresh()
	format, text := renderPayload(e.Payload)
	switch {
	case len(e.Payload) == 0:
		d.Format.SetText(lang.L("No payload."))
	case format == formatJSON:
		d.Format.SetText(lang.L("Payload (JSON, {{.Size}} bytes)", map[string]any{"Size": len(e.Payload)}))
	case format == formatText:
		d.Format.SetText(lang.L("Payload (text, {{.Size}} bytes)", map[string]any{"Size": len(e.Payload)}))
	default:
		d.Format.SetText(lang.L("Payload (binary, {{.Size}} bytes, hex)", map[string]any{"Size": len(e.Payload)}))
	}
	if e.Truncated > 0 {
		d.Format.SetText(d.Format.Text + " " + lang.L("({{.Count}} more bytes not kept)", map[string]any{"Count": e.Truncated}))
	}
	d.Payload.SetText(text)
	widgets.EnableIf(d.Copy, len(e.Payload) > 0)
}
