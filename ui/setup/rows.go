package setup

import (
	"qpyhub/app/provision"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// moduleRow is one module of a run: where it is and how it went.
type moduleRow struct {
	Port, IMEI, DeviceID, Stage, State *widget.Label
	CopyID                             *widget.Button
	Bar                                *widget.ProgressBar
	// Detail is the module's last status line, or its error and advice.
	Detail *widget.Label
	// TLSIcon and TLSNote mark how the module's connection is secured,
	// once it said so: verified, or unverified with what that means.
	TLSIcon *widget.Icon
	TLSNote *widget.Label

	port, deviceID string
	result         string // provision.ResultOnline or provision.ResultFailed once finished, else ""
	tls            *fyne.Container
	box            *fyne.Container
}

// columnTitles are the table's column titles, in order.
func columnTitles() []string {
	return []string{lang.L("Port"), "IMEI", lang.L("Device ID"), lang.L("Stage"), lang.L("Progress"), lang.L("State")}
}

func newModuleRow(port string) *moduleRow {
	r := &moduleRow{port: port}
	cell := func() *widget.Label {
		l := widget.NewLabel("")
		l.Truncation = fyne.TextTruncateEllipsis
		return l
	}
	r.Port, r.IMEI, r.DeviceID, r.Stage, r.State = cell(), cell(), cell(), cell(), cell()
	r.Port.SetText(port)
	r.Port.TextStyle = fyne.TextStyle{Monospace: true}
	r.DeviceID.Selectable = true
	r.CopyID = widget.NewButtonWithIcon("", theme.ContentCopyIcon(), func() {
		if r.deviceID != "" {
			fyne.CurrentApp().Clipboard().SetContent(r.deviceID)
		}
	})
	r.CopyID.Importance = widget.LowImportance
	r.Bar = widget.NewProgressBar()
	r.Detail = widget.NewLabel("")
	r.Detail.Wrapping = fyne.TextWrapWord
	r.TLSIcon = widget.NewIcon(nil)
	r.TLSNote = widget.NewLabel("")
	r.TLSNote.Wrapping = fyne.TextWrapWord
	r.tls = container.NewBorder(nil, nil, r.TLSIcon, nil, r.TLSNote)
	grid := container.New(columnsLayout{},
		r.Port, r.IMEI, container.NewBorder(nil, nil, nil, r.CopyID, r.DeviceID), r.Stage, container.NewPadded(r.Bar), r.State)
	r.box = container.NewVBox(grid, r.Detail, r.tls, widget.NewSeparator())
	r.wait()
	return r
}

// wait shows the row as not started (again, for a retry).
func (r *moduleRow) wait() {
	r.result = ""
	r.Stage.SetText("")
	r.Bar.SetValue(0)
	r.setState(lang.L("Waiting"), widget.LowImportance)
	r.setDetail("", widget.LowImportance)
	r.tls.Hide()
	r.setDeviceID(r.deviceID)
}

func (r *moduleRow) setState(text string, imp widget.Importance) {
	r.State.Importance = imp
	r.State.SetText(text)
}

func (r *moduleRow) setDetail(text string, imp widget.Importance) {
	r.Detail.Importance = imp
	r.Detail.SetText(text)
	if text == "" {
		r.Detail.Hide()
	} else {
		r.Detail.Show()
	}
	r.box.Refresh() // the row's height follows its detail
}

func (r *moduleRow) setDeviceID(id string) {
	r.deviceID = id
	r.DeviceID.SetText(id)
	if id == "" {
		r.CopyID.Disable()
	} else {
		r.CopyID.Enable()
	}
}

// progress shows a step; mask hides any secret that slipped into it.
func (r *moduleRow) progress(p provision.Progress, mask func(string) string) {
	if r.result != "" {
		return // a late step after the end must not make the row look alive
	}
	if p.IMEI != "" {
		r.IMEI.SetText(p.IMEI)
	}
	if p.DeviceID != "" {
		r.setDeviceID(p.DeviceID)
	}
	r.Stage.SetText(stageName(p.Stage))
	if p.Fraction > r.Bar.Value {
		r.Bar.SetValue(min(p.Fraction, 1))
	}
	if p.State == provision.StateFailed {
		r.setState(lang.L("Failing"), widget.DangerImportance)
		r.setDetail(mask(translated(p.Detail)), widget.DangerImportance)
		return
	}
	r.setState(lang.L("Running"), widget.HighImportance)
	r.setDetail(mask(translated(p.Detail)), widget.LowImportance)
}

// finish shows how the module ended.
func (r *moduleRow) finish(res provision.Result, mask func(string) string) {
	if res.IMEI != "" {
		r.IMEI.SetText(res.IMEI)
	}
	if res.DeviceID != "" {
		r.setDeviceID(res.DeviceID)
	}
	r.Stage.SetText(stageName(res.Stage)) // the failing stage; none when online
	r.showTLS(res, mask)
	if res.Result == provision.ResultOnline {
		r.result = provision.ResultOnline
		r.Bar.SetValue(1)
		r.setState(lang.L("Online"), widget.SuccessImportance)
		text := res.Hub
		if res.Confirmed == provision.ConfirmedModule {
			r.setState(lang.L("Online (module only)"), widget.WarningImportance)
			text += "\n" + lang.L(provision.NoteConfirmedByModule)
		} else if res.Confirmation != "" {
			text += " · " + lang.L(res.Confirmation)
		}
		text += runsLine(res)
		r.setDetail(mask(strings.TrimSpace(text)), widget.LowImportance)
		return
	}
	r.result = provision.ResultFailed
	r.setState(lang.L("Failed"), widget.DangerImportance)
	r.setDetail(mask(failureText(res)+runsLine(res)), widget.DangerImportance)
}

// runsLine says on a line of its own what the module starts at boot,
// once the setup decided it.
func runsLine(res provision.Result) string {
	if note := provision.RunsNote(res.Runs); note != "" {
		return "\n" + lang.L(note)
	}
	return ""
}

// showTLS marks the row verified or unverified, with the sentence that
// says what it means and the module's own reason; nothing when the
// module never said.
func (r *moduleRow) showTLS(res provision.Result, mask func(string) string) {
	switch res.TLS {
	case provision.TLSVerified:
		r.TLSIcon.SetResource(theme.NewSuccessThemedResource(theme.ConfirmIcon()))
		r.TLSNote.Importance = widget.SuccessImportance
	case provision.TLSUnverified:
		r.TLSIcon.SetResource(theme.NewWarningThemedResource(theme.WarningIcon()))
		r.TLSNote.Importance = widget.WarningImportance
	default:
		r.tls.Hide()
		return
	}
	text := translated(provision.TLSNote(res.TLS))
	if text == "" {
		text = "TLS " + res.TLS
	}
	if res.TLSReason != "" {
		text += "\n" + lang.L("The module said: {{.Reason}}", map[string]any{"Reason": res.TLSReason})
	}
	r.TLSNote.SetText(mask(text))
	r.tls.Show()
	r.box.Refresh()
}

// failureText is the error, its values and what to do, one per line.
func failureText(res provision.Result) string {
	lines := []string{lang.L("The setup gave no result for this module.")}
	if res.Error != "" {
		lines[0] = lang.L(res.Error)
	}
	if res.Detail != "" {
		lines = append(lines, res.Detail)
	}
	if res.Advice != "" {
		lines = append(lines, lang.L(res.Advice))
	}
	return strings.Join(lines, "\n")
}

// stageName names a pipeline stage in the technician's language;
// a stage it does not know keeps its id.
func stageName(id string) string {
	names := map[string]string{
		provision.StageModule:      lang.L("Module check"),
		provision.StageIdentity:    lang.L("Identity"),
		provision.StageCredentials: lang.L("Credentials"),
		provision.StageWrite:       lang.L("Write the program"),
		provision.StageVerify:      lang.L("Verify online"),
		provision.StageRecord:      lang.L("Record"),
	}
	if name, ok := names[id]; ok {
		return name
	}
	return id
}

// translated looks up a phrase that may be empty.
func translated(text string) string {
	if text == "" {
		return ""
	}
	return lang.L(text)
}
