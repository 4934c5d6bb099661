package console

import (
	"context"
	"encoding/json"
	"errors"
	"qpyhub/ui/widgets"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"
)

// CloudSidePanel plays the cloud for a device of the local hub: it sends
// cloud-to-device messages, changes desired properties and calls direct
// methods, so the whole loop shows without Azure.
type CloudSidePanel struct {
	Note          *widget.Label
	C2DPayload    *widget.Entry
	C2DProperties *widgets.InputField
	SendC2D       *operation

	Desired       *widget.Entry
	UpdateDesired *operation

	MethodName    *widgets.InputField
	MethodPayload *widget.Entry
	MethodTimeout *widget.Entry
	Invoke        *operation
	MethodAnswer  *widget.Label

	s       *Screen
	body    *fyne.Container
	content fyne.CanvasObject
}

func newCloudSidePanel(s *Screen) *CloudSidePanel {
	p := &CloudSidePanel{s: s, Note: widget.NewLabel(""), MethodAnswer: widget.NewLabel("")}
	p.Note.Wrapping = fyne.TextWrapWord
	p.C2DPayload = widget.NewMultiLineEntry()
	p.C2DPayload.SetText(`{"command": "blink", "times": 3}`)
	p.C2DPayload.SetMinRowsVisible(3)
	props := widget.NewMultiLineEntry()
	props.SetText("priority=high")
	props.SetMinRowsVisible(2)
	p.C2DProperties = widgets.NewInputField(lang.L("Properties, one name=value per line"), props)
	p.SendC2D = newOperation(lang.L("Send C2D message"), s.deps.post, p.prepareC2D)

	p.Desired = widget.NewMultiLineEntry()
	p.Desired.SetText(`{"interval": 30}`)
	p.Desired.SetMinRowsVisible(3)
	p.UpdateDesired = newOperation(lang.L("Update desired properties"), s.deps.post, p.prepareDesired)

	p.MethodName = widgets.NewInputField(lang.L("Method name"), widget.NewEntry())
	p.MethodName.Entry.SetText("reboot")
	p.MethodPayload = widget.NewEntry()
	p.MethodPayload.SetText(`{"delay": 5}`)
	p.MethodTimeout = widget.NewEntry()
	p.MethodTimeout.SetText("30")
	p.MethodAnswer.Selectable = true
	p.MethodAnswer.TextStyle = fyne.TextStyle{Monospace: true}
	p.Invoke = newOperation(lang.L("Invoke method"), s.deps.post, p.prepareInvoke)

	bold := func(text string) *widget.Label {
		return widget.NewLabelWithStyle(text, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	}
	p.body = container.NewVBox(
		bold(lang.L("Cloud-to-device message")), p.C2DPayload, p.C2DProperties.Content(), p.SendC2D.Content(),
		widget.NewSeparator(),
		bold(lang.L("Desired properties patch (JSON)")), p.Desired, p.UpdateDesired.Content(),
		widget.NewSeparator(),
		bold(lang.L("Direct method")), p.MethodName.Content(),
		widget.NewForm(widget.NewFormItem(lang.L("Payload"), p.MethodPayload), widget.NewFormItem(lang.L("Timeout (s)"), p.MethodTimeout)),
		p.Invoke.Content(), p.MethodAnswer,
	)
	p.content = container.NewVBox(p.Note, p.body)
	p.refresh()
	return p
}

// Content is the panel's widget tree.
func (p *CloudSidePanel) Content() fyne.CanvasObject { return p.content }

// device is the local device the panel acts on, or "" when it cannot act.
func (p *CloudSidePanel) device() string {
	t := p.s.Target
	if p.s.deps.hub == nil || t == nil || t.mode() != targetLocal {
		return ""
	}
	return t.Device.Selected
}

// refresh says whom the panel acts on, or why it cannot.
func (p *CloudSidePanel) refresh() {
	id := p.device()
	switch {
	case p.s.deps.hub == nil:
		p.Note.SetText(lang.L("The cloud side needs the local hub, which is not running."))
	case id == "":
		p.Note.SetText(lang.L("The cloud side works with a device of the local hub: choose Local hub and a device."))
	default:
		p.Note.SetText(lang.L("Acting as the cloud for device {{.ID}}.", map[string]any{"ID": id}))
	}
	showIf(p.body, id != "")
}

// noLocalDevice is the error of an action with no local device chosen.
func noLocalDevice() error { return errors.New(lang.L("Choose a device of the local hub first.")) }

func (p *CloudSidePanel) prepareC2D() (job, error) {
	hub, id := p.s.deps.hub, p.device()
	if id == "" {
		return nil, noLocalDevice()
	}
	props, err := parseProperties(p.C2DProperties.Entry.Text)
	if err != nil {
		return nil, err
	}
	msg := CloudMessage{Payload: []byte(p.C2DPayload.Text), Properties: props}
	return func(context.Context) (func(), error) {
		if err := hub.SendC2D(id, msg); err != nil {
			return nil, err
		}
		return func() { p.SendC2D.setResult(lang.L("Sent to {{.ID}}.", map[string]any{"ID": id}), false) }, nil
	}, nil
}

func (p *CloudSidePanel) prepareDesired() (job, error) {
	hub, id := p.s.deps.hub, p.device()
	if id == "" {
		return nil, noLocalDevice()
	}
	patch := json.RawMessage(strings.TrimSpace(p.Desired.Text))
	if !json.Valid(patch) {
		return nil, errors.New(lang.L("The patch is not valid JSON."))
	}
	return func(context.Context) (func(), error) {
		version, err := hub.UpdateDesired(id, patch)
		if err != nil {
			return nil, err
		}
		return func() {
			p.UpdateDesired.setResult(lang.L("Desired properties are now at version {{.Version}}.", map[string]any{"Version": version}), false)
		}, nil
	}, nil
}

func (p *CloudSidePanel) prepareInvoke() (job, error) {
	hub, id := p.s.deps.hub, p.device()
	if id == "" {
		return nil, noLocalDevice()
	}
	p.MethodName.SetError(nil)
	name := strings.TrimSpace(p.MethodName.Entry.Text)
	if name == "" {
		err := errors.New(lang.L("Type the method's name."))
		p.MethodName.SetError(err)
		return nil, err
	}
	payload, err := answerPayload(p.MethodPayload.Text)
	if err != nil {
		return nil, err
	}
	seconds, err := strconv.Atoi(strings.TrimSpace(p.MethodTimeout.Text))
	if err != nil || seconds < 5 || seconds > 300 {
		return nil, errors.New(lang.L("The timeout is a number of seconds from 5 to 300."))
	}
	p.MethodAnswer.SetText("")
	return func(ctx context.Context) (func(), error) {
		status, answer, err := hub.InvokeMethod(ctx, id, name, payload, time.Duration(seconds)*time.Second)
		if err != nil {
			return nil, err
		}
		return func() {
			p.Invoke.setResult(lang.L("The device answered with status {{.Status}}.", map[string]any{"Status": status}), false)
			p.MethodAnswer.SetText(prettyJSON(answer))
		}, nil
	}, nil
}
