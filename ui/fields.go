package ui

import (
	"errors"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"qpyhub/cloud"
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
	f.Error.SetText(describeError(err, true))
	f.Error.Show()
}

// ErrorText is the error shown under the field ("" when none).
func (f *InputField) ErrorText() string { return f.Error.Text }

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
		f.Reveal = widget.NewButtonWithIcon("", theme.VisibilityIcon(), f.toggleReveal)
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
		f.Value.SetText(maskedText)
	default:
		f.Value.SetText(f.value)
	}
}

func (f *OutputField) toggleReveal() {
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

// maskedText stands in for a hidden secret; it says nothing of its length.
const maskedText = "••••••••••••"

// describeError turns an error from device or cloud into translated text.
// Errors that name a field and a reason (cloud.FieldError) are translated
// part by part; onField drops the field name when the message is
// shown next to that field anyway.
func describeError(err error, onField bool) string {
	var fe *cloud.FieldError
	if errors.As(err, &fe) {
		text := lang.L(fe.Field) + " " + lang.L(fe.Reason)
		if onField {
			text = lang.L(fe.Reason)
		}
		if advice := fe.Advice(); advice != "" {
			text += "\n" + lang.L(advice)
		}
		return text
	}
	return lang.L(err.Error())
}
