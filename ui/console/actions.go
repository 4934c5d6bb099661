package console

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"qpyhub/cloud/hubclient"
	"qpyhub/ui/widgets"
)

// TelemetryPanel sends device-to-cloud messages.
type TelemetryPanel struct {
	Payload    *widget.Entry
	Properties *widgets.InputField
	Send       *operation
	content    fyne.CanvasObject
}

func newTelemetryPanel(s *Screen) *TelemetryPanel {
	p := &TelemetryPanel{Payload: widget.NewMultiLineEntry()}
	p.Payload.SetMinRowsVisible(5)
	p.Payload.SetText(`{"temperature": 21.5, "humidity": 40}`)
	props := widget.NewMultiLineEntry()
	props.SetPlaceHolder("alert=false\nsource=console")
	props.SetMinRowsVisible(3)
	p.Properties = widgets.NewInputField(lang.L("Properties, one name=value per line"), props)
	p.Send = newOperation(lang.L("Send telemetry"), s.deps.post, func() (job, error) { return p.prepare(s) })
	p.content = container.NewVBox(widget.NewLabelWithStyle(lang.L("Payload"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		p.Payload, p.Properties.Content(), p.Send.Content())
	return p
}

// Content is the panel's widget tree.
func (p *TelemetryPanel) Content() fyne.CanvasObject { return p.content }

// prepare reads the inputs and returns the send.
func (p *TelemetryPanel) prepare(s *Screen) (job, error) {
	session := s.currentSession()
	if session == nil {
		return nil, hubclient.ErrClosed
	}
	payload := []byte(p.Payload.Text)
	props, err := parseProperties(p.Properties.Entry.Text)
	if err != nil {
		return nil, err
	}
	return func(ctx context.Context) (func(), error) {
		if err := session.SendTelemetry(ctx, payload, props, hubclient.SystemProperties{}); err != nil {
			return nil, err
		}
		e := sentEntry(s.deps.now(), "telemetry", "", props, payload)
		return func() { s.Messages.record(e) }, nil
	}, nil
}

// parseProperties reads "name=value" lines; blank lines are skipped.
func parseProperties(text string) (map[string]string, error) {
	props := map[string]string{}
	for i, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		name, value, ok := strings.Cut(line, "=")
		name = strings.TrimSpace(name)
		if !ok || name == "" {
			return nil, errors.New(lang.L("Line {{.Line}} is not name=value.", map[string]any{"Line": i + 1}))
		}
		props[name] = strings.TrimSpace(value)
	}
	return props, nil
}

// TwinPanel reads the device twin and patches reported properties.
type TwinPanel struct {
	Get      *operation
	Document *widget.Label
	Patch    *widget.Entry
	Send     *operation
	content  fyne.CanvasObject
}

func newTwinPanel(s *Screen) *TwinPanel {
	p := &TwinPanel{Document: widget.NewLabel(""), Patch: widget.NewMultiLineEntry()}
	p.Document.Selectable = true
	p.Document.TextStyle = fyne.TextStyle{Monospace: true}
	p.Patch.SetMinRowsVisible(5)
	p.Patch.SetText(`{"firmware": "1.0.0", "interval": 60}`)
	p.Get = newOperation(lang.L("Get twin"), s.deps.post, func() (job, error) {
		session := s.currentSession()
		if session == nil {
			return nil, hubclient.ErrClosed
		}
		return func(ctx context.Context) (func(), error) {
			doc, err := session.GetTwin(ctx)
			if err != nil {
				return nil, err
			}
			e := &LogEntry{Time: s.deps.now(), Kind: KindTwin, Title: "twin read", FixedTitle: true, Topic: "$iothub/twin/GET/"}
			e.setPayload(doc)
			return func() {
				s.Messages.record(e)
				p.Document.SetText(prettyJSON(doc))
			}, nil
		}, nil
	})
	p.Send = newOperation(lang.L("Patch reported properties"), s.deps.post, func() (job, error) {
		session := s.currentSession()
		if session == nil {
			return nil, hubclient.ErrClosed
		}
		patch := []byte(p.Patch.Text)
		if !json.Valid(patch) {
			return nil, errors.New(lang.L("The patch is not valid JSON."))
		}
		return func(ctx context.Context) (func(), error) {
			version, err := session.PatchReported(ctx, patch)
			if err != nil {
				return nil, err
			}
			e := sentEntry(s.deps.now(), "reported properties", "$iothub/twin/PATCH/properties/reported/", nil, patch)
			return func() {
				s.Messages.record(e)
				p.Send.setResult(lang.L("Reported properties are now at version {{.Version}}.", map[string]any{"Version": version}), false)
			}, nil
		}, nil
	})
	p.content = container.NewVBox(p.Get.Content(), p.Document, widget.NewSeparator(),
		widget.NewLabelWithStyle(lang.L("Reported properties patch (JSON)"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		p.Patch, p.Send.Content())
	return p
}

// Content is the panel's widget tree.
func (p *TwinPanel) Content() fyne.CanvasObject { return p.content }

// prettyJSON indents JSON for reading; other text is returned as is.
func prettyJSON(b []byte) string {
	var out bytes.Buffer
	if json.Indent(&out, b, "", "  ") != nil {
		return string(b)
	}
	return out.String()
}

// parseStatus reads a method status as typed in an entry.
func parseStatus(text string) (int, error) {
	n, err := strconv.Atoi(strings.TrimSpace(text))
	if err != nil || n < 100 || n > 999 {
		return 0, errors.New(lang.L("The status is a number such as 200."))
	}
	return n, nil
}
