package widgets

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// InputField is a labelled input with its error shown right under it, so a
// technician sees which field is wrong without reading a dialog.
type InputField struct {
	Label *widget.Label
	Entry *widget.Entry
	Error *widget.Label
	box   *fyne.Container
}

// NewInputField labels entry and reserves the line for its error.
func NewInputField(label string, entry *widget.Entry) *InputField {
	f := &InputField{Label: widget.NewLabel(label), Entry: entry, Error: widget.NewLabel("")}
	f.Label.TextStyle = fyne.TextStyle{Bold: true}
	f.Error.Importance = widget.DangerImportance
	f.Error.Wrapping = fyne.TextWrapWord
	f.Error.Hide()
	f.box = container.NewVBox(f.Label, entry, f.Error)
	return f
}

// Content is the field's widget tree.
func (f *InputField) Content() fyne.CanvasObject { return f.box }

// SetError shows err under the field, or clears it when err is nil.
func (f *InputField) SetError(err error) {
	if err == nil {
		f.Error.SetText("")
		f.Error.Hide()
		return
	}
	f.ShowErrorText(Explain(err).WithoutField().Text())
}

// ShowErrorText shows text under the field as its error: for an error
// worded with the field's name, or a sentence of the screen's own.
func (f *InputField) ShowErrorText(text string) {
	f.Error.SetText(text)
	f.Error.Show()
}

// ErrorText is the error shown under the field ("" when none).
func (f *InputField) ErrorText() string { return f.Error.Text }

// ReplaceEntry draws shown where the field's entry was and makes entry
// the one the field reads from: for an entry inside another widget, such
// as a SelectEntry's own.
func (f *InputField) ReplaceEntry(shown fyne.CanvasObject, entry *widget.Entry) {
	old := f.Entry
	f.Entry = entry
	for i, o := range f.box.Objects {
		if o == old {
			f.box.Objects[i] = shown
		}
	}
	f.box.Refresh()
}

// OutputField shows one computed value, read-only, with a copy button; a
// secret one stays masked until the user reveals it.
type OutputField struct {
	Label    *widget.Label
	Value    *widget.Label
	Copy     *widget.Button
	Reveal   *widget.Button
	secret   bool
	revealed bool
	value    string
	box      *fyne.Container
}

// NewOutputField makes a read-only value row; secret values are masked.
func NewOutputField(label string, secret bool) *OutputField {
	f := &OutputField{Label: widget.NewLabel(label), Value: widget.NewLabel(""), secret: secret}
	f.Label.TextStyle = fyne.TextStyle{Bold: true}
	f.Value.Selectable = true
	f.Value.Wrapping = fyne.TextWrapBreak
	f.Value.TextStyle = fyne.TextStyle{Monospace: true}
	f.Copy = widget.NewButtonWithIcon("", theme.ContentCopyIcon(), f.copyValue)
	f.Copy.Importance = widget.LowImportance
	buttons := container.NewHBox(f.Copy)
	if secret {
		f.Reveal = widget.NewButtonWithIcon("", theme.VisibilityIcon(), f.ToggleReveal)
		f.Reveal.Importance = widget.LowImportance
		buttons.Add(f.Reveal)
	}
	f.box = container.NewBorder(nil, nil, nil, buttons, container.NewVBox(f.Label, f.Value))
	f.SetValue("")
	return f
}

// Content is the field's widget tree.
func (f *OutputField) Content() fyne.CanvasObject { return f.box }

// SetValue replaces the value; an empty value disables copying.
func (f *OutputField) SetValue(v string) {
	f.value = v
	f.render()
	if v == "" {
		f.Copy.Disable()
	} else {
		f.Copy.Enable()
	}
}

// Text is the value as the user sees it: masked while a secret is hidden.
func (f *OutputField) Text() string { return f.Value.Text }

// Revealed tells whether a secret value is shown in clear.
func (f *OutputField) Revealed() bool { return f.revealed }

func (f *OutputField) render() {
	switch {
	case f.value == "":
		f.Value.SetText("—")
	case f.secret && !f.revealed:
		f.Value.SetText(MaskedText)
	default:
		f.Value.SetText(f.value)
	}
}

// ToggleReveal shows a secret value in clear, or masks it again.
func (f *OutputField) ToggleReveal() {
	f.revealed = !f.revealed
	if f.revealed {
		f.Reveal.SetIcon(theme.VisibilityOffIcon())
	} else {
		f.Reveal.SetIcon(theme.VisibilityIcon())
	}
	f.render()
}

func (f *OutputField) copyValue() {
	if f.value == "" {
		return
	}
	fyne.CurrentApp().Clipboard().SetContent(f.value)
}

// MaskedText stands in for a hidden secret; it says nothing of its length.
const MaskedText = "••••••••••••"
