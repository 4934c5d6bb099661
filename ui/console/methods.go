package console

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"qpyhub/cloud/hubclient"
	"qpyhub/ui/widgets"
)

// maxPendingCalls bounds the calls listed; older ones timed out long ago.
const maxPendingCalls = 100

// MethodPanel lists direct-method calls waiting for an answer, answers the
// selected one, and keeps rules that answer a method automatically.
type MethodPanel struct {
	Calls   *widget.List
	Status  *widgets.InputField
	Payload *widget.Entry
	Answer  *operation

	RuleMethod  *widgets.InputField
	RuleStatus  *widget.Entry
	RulePayload *widget.Entry
	AddRule     *widget.Button
	Rules       *fyne.Container

	auto     *autoAnswers
	pending  []*hubclient.MethodCall
	selected *hubclient.MethodCall
	content  fyne.CanvasObject
}

func newMethodPanel(s *Screen) *MethodPanel {
	p := &MethodPanel{auto: newAutoAnswers(), Payload: widget.NewMultiLineEntry(), Rules: container.NewVBox()}
	p.Calls = widget.NewList(func() int { return len(p.pending) },
		func() fyne.CanvasObject { return widget.NewLabel("method name · rid") },
		func(id widget.ListItemID, o fyne.CanvasObject) {
			c := p.pending[id]
			o.(*widget.Label).SetText(c.Name + "  ·  " + c.Received.Local().Format("15:04:05") + "  " + payloadPreview(c.Payload, 60))
		})
	p.Calls.OnSelected = func(id widget.ListItemID) { p.selected = p.pending[id] }
	p.Calls.OnUnselected = func(widget.ListItemID) { p.selected = nil }
	p.Status = widgets.NewInputField(lang.L("Status"), widget.NewEntry())
	p.Status.Entry.SetText("200")
	p.Payload.SetText(`{"result": "ok"}`)
	p.Payload.SetMinRowsVisible(3)
	p.Answer = newOperation(lang.L("Answer the selected call"), s.deps.post, func() (job, error) { return p.prepareAnswer(s) })

	p.RuleMethod = widgets.NewInputField(lang.L("Method name"), widget.NewEntry())
	p.RuleMethod.Entry.SetPlaceHolder("reboot")
	p.RuleStatus = widget.NewEntry()
	p.RuleStatus.SetText("200")
	p.RulePayload = widget.NewEntry()
	p.RulePayload.SetText(`{"result": "ok"}`)
	p.AddRule = widget.NewButtonWithIcon(lang.L("Answer automatically"), theme.ContentAddIcon(), p.addRule)

	calls := container.NewGridWrap(fyne.NewSize(360, 160), p.Calls)
	bold := func(text string) *widget.Label {
		return widget.NewLabelWithStyle(text, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	}
	p.content = container.NewVBox(
		bold(lang.L("Calls waiting for an answer")), calls,
		p.Status.Content(), bold(lang.L("Answer payload (JSON)")), p.Payload, p.Answer.Content(),
		widget.NewSeparator(),
		bold(lang.L("Automatic answers")),
		p.RuleMethod.Content(),
		widget.NewForm(widget.NewFormItem(lang.L("Status"), p.RuleStatus), widget.NewFormItem(lang.L("Payload"), p.RulePayload)),
		p.AddRule, p.Rules,
	)
	return p
}

// Content is the panel's widget tree.
func (p *MethodPanel) Content() fyne.CanvasObject { return p.content }

// Pending returns the calls waiting for an answer, oldest first.
func (p *MethodPanel) Pending() []*hubclient.MethodCall { return p.pending }

// addCalls lists new calls and selects the newest when none is selected.
func (p *MethodPanel) addCalls(calls []*hubclient.MethodCall) {
	if len(calls) == 0 {
		return
	}
	p.pending = append(p.pending, calls...)
	if over := len(p.pending) - maxPendingCalls; over > 0 {
		p.pending = append([]*hubclient.MethodCall(nil), p.pending[over:]...)
	}
	p.Calls.Refresh()
	if p.selected == nil || p.indexOf(p.selected) < 0 {
		p.Calls.Select(len(p.pending) - 1)
	}
}

// clearCalls forgets the calls: a new connection cannot answer them.
func (p *MethodPanel) clearCalls() {
	p.pending, p.selected = nil, nil
	p.Calls.UnselectAll()
	p.Calls.Refresh()
}

func (p *MethodPanel) indexOf(c *hubclient.MethodCall) int {
	for i, x := range p.pending {
		if x == c {
			return i
		}
	}
	return -1
}

func (p *MethodPanel) prepareAnswer(s *Screen) (job, error) {
	p.Status.SetError(nil)
	session, call := s.currentSession(), p.selected
	if session == nil {
		return nil, hubclient.ErrClosed
	}
	if call == nil {
		return nil, errors.New(lang.L("Select a call to answer."))
	}
	status, err := parseStatus(p.Status.Entry.Text)
	if err != nil {
		p.Status.SetError(err)
		return nil, err
	}
	payload, err := answerPayload(p.Payload.Text)
	if err != nil {
		return nil, err
	}
	return func(ctx context.Context) (func(), error) {
		if err := session.AnswerMethod(ctx, call.RID, status, payload); err != nil {
			return nil, err
		}
		e := answerEntry(s.deps.now(), call, status, payload, false, nil)
		return func() {
			s.Messages.record(e)
			if i := p.indexOf(call); i >= 0 {
				p.pending = append(p.pending[:i:i], p.pending[i+1:]...)
			}
			p.selected = nil
			p.Calls.UnselectAll()
			p.Calls.Refresh()
			p.Answer.setResult(lang.L("Answered {{.Method}} with status {{.Status}}.", map[string]any{"Method": call.Name, "Status": status}), false)
		}, nil
	}, nil
}

// answerPayload checks a typed answer: empty means no payload.
func answerPayload(text string) (json.RawMessage, error) {
	text = strings.TrimSpace(text)
	if text == "" {
		return nil, nil
	}
	if !json.Valid([]byte(text)) {
		return nil, errors.New(lang.L("The answer payload is not valid JSON."))
	}
	return json.RawMessage(text), nil
}

func (p *MethodPanel) addRule() {
	p.RuleMethod.SetError(nil)
	name := strings.TrimSpace(p.RuleMethod.Entry.Text)
	if name == "" {
		p.RuleMethod.SetError(errors.New(lang.L("Type the method's name.")))
		return
	}
	status, err := parseStatus(p.RuleStatus.Text)
	if err != nil {
		p.RuleMethod.SetError(err)
		return
	}
	payload, err := answerPayload(p.RulePayload.Text)
	if err != nil {
		p.RuleMethod.SetError(err)
		return
	}
	p.auto.set(answerRule{Method: name, Status: status, Payload: payload})
	p.RuleMethod.Entry.SetText("")
	p.showRules()
}

// showRules lists the automatic answers, each with a remove button.
func (p *MethodPanel) showRules() {
	p.Rules.RemoveAll()
	for _, r := range p.auto.list() {
		method := r.Method
		text := method + " → " + strconv.Itoa(r.Status) + " " + string(r.Payload)
		remove := widget.NewButtonWithIcon("", theme.DeleteIcon(), func() {
			p.auto.remove(method)
			p.showRules()
		})
		remove.Importance = widget.LowImportance
		p.Rules.Add(container.NewBorder(nil, nil, nil, remove, widget.NewLabel(text)))
	}
	p.Rules.Refresh()
}
