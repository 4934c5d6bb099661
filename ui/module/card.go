package module

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"qpyhub/app/explain"
	"qpyhub/device/probe"
	"qpyhub/ui/widgets"
)

// Card shows one module check: the verdict first, then SIM, signal,
// network, data call and the module itself; or why the check failed.
type Card struct {
	Verdict, Advice, Others *widget.Label

	SIMState, SIMAdvice *widget.Label
	ICCID, IMSI         *widgets.OutputField
	Signal              *widget.Label
	Network             *widget.Label
	IP                  *widgets.OutputField
	DNS                 *widget.Label
	Model, Firmware     *widget.Label
	IMEI                *widgets.OutputField

	details *fyne.Container // the sections; hidden until a report arrives
	content fyne.CanvasObject
}

func newCard() *Card {
	c := &Card{
		Verdict: widget.NewLabel(lang.L("Not checked yet")),
		Advice:  widget.NewLabel(lang.L("Choose the module's port on the Ports screen, then press Check module.")),
		Others:  widget.NewLabel(""),
	}
	c.Verdict.TextStyle = fyne.TextStyle{Bold: true}
	for _, l := range []*widget.Label{c.Verdict, c.Advice, c.Others} {
		l.Wrapping = fyne.TextWrapWord
	}
	c.Others.Hide()
	wrapped := func() *widget.Label {
		l := widget.NewLabel("")
		l.Wrapping = fyne.TextWrapWord
		return l
	}
	c.SIMState, c.SIMAdvice = wrapped(), wrapped()
	c.SIMAdvice.Importance = widget.WarningImportance
	c.ICCID, c.IMSI = widgets.NewOutputField("ICCID", false), widgets.NewOutputField("IMSI", false)
	c.Signal, c.Network = wrapped(), wrapped()
	c.IP = widgets.NewOutputField(lang.L("IP address"), false)
	c.DNS = wrapped()
	c.Model, c.Firmware = wrapped(), wrapped()
	c.IMEI = widgets.NewOutputField("IMEI", false)

	c.details = container.NewGridWithColumns(2,
		widget.NewCard(lang.L("SIM card"), "", container.NewVBox(c.SIMState, c.SIMAdvice, c.ICCID.Content(), c.IMSI.Content())),
		widget.NewCard(lang.L("Module"), "", container.NewVBox(c.Model, c.IMEI.Content(), c.Firmware)),
		widget.NewCard(lang.L("Signal"), "", c.Signal),
		widget.NewCard(lang.L("Network"), "", c.Network),
		widget.NewCard(lang.L("Data call"), "", container.NewVBox(c.IP.Content(), c.DNS)),
	)
	c.details.Hide()
	head := widget.NewCard("", "", container.NewVBox(c.Verdict, c.Advice, c.Others))
	c.content = container.NewVBox(head, c.details)
	return c
}

// Content is the card's widget tree.
func (c *Card) Content() fyne.CanvasObject { return c.content }

// ShowReport fills the card from a finished check.
func (c *Card) ShowReport(r probe.Report) {
	first, rest := splitProblems(r.Problems)
	switch {
	case r.Ready:
		c.setVerdict(lang.L("Ready for the cloud"), "", widget.SuccessImportance)
	case first != nil:
		c.setVerdict(lang.L(first.Message), lang.L(first.Advice), widget.DangerImportance)
	default:
		c.setVerdict(lang.L("Not ready for the cloud"), "", widget.DangerImportance)
	}
	var others []string
	for _, p := range rest {
		others = append(others, "• "+lang.L(p.Message)+": "+lang.L(p.Advice))
	}
	c.Others.SetText(strings.Join(others, "\n"))
	c.Others.Hidden = len(others) == 0
	c.Others.Refresh()

	c.SIMState.SetText(lang.L(r.SIM.Meaning) + fmt.Sprintf(" (sim.getStatus() = %d)", r.SIM.Status))
	c.SIMAdvice.SetText(lang.L(r.SIM.Advice))
	c.SIMAdvice.Hidden = r.SIM.Advice == ""
	c.ICCID.SetValue(r.SIM.ICCID)
	c.IMSI.SetValue(r.SIM.IMSI)
	c.Signal.SetText(signalText(r.Signal))
	c.Network.SetText(networkText(r.Network))
	c.IP.SetValue(dataCallIP(r.DataCall))
	c.DNS.SetText(lang.L("DNS: {{.Servers}}", map[string]any{"Servers": orDash(strings.Join(nonEmpty(r.DataCall.DNS), ", "))}))
	c.Model.SetText(lang.L("Model: {{.Model}}", map[string]any{"Model": orDash(r.Model)}))
	c.IMEI.SetValue(r.IMEI)
	c.Firmware.SetText(lang.L("Firmware: {{.Version}}", map[string]any{"Version": orDash(r.Firmware)}))
	c.details.Show()
}

// ShowTrouble replaces the card with why the check failed and what next.
func (c *Card) ShowTrouble(t explain.Explanation) {
	c.setVerdict(t.What, t.Next, widget.DangerImportance)
	c.Others.SetText(t.Detail)
	c.Others.Hidden = t.Detail == ""
	c.Others.Refresh()
	c.details.Hide()
}

func (c *Card) setVerdict(verdict, advice string, imp widget.Importance) {
	c.Verdict.Importance = imp
	c.Verdict.SetText(verdict)
	c.Advice.SetText(advice)
	c.Advice.Hidden = advice == ""
	c.Advice.Refresh()
}

// splitProblems picks the problem the verdict names: the first blocking
// one, else the first warning.
func splitProblems(ps []probe.Problem) (*probe.Problem, []probe.Problem) {
	for i, p := range ps {
		if !p.Warning {
			rest := append(append([]probe.Problem{}, ps[:i]...), ps[i+1:]...)
			return &ps[i], rest
		}
	}
	if len(ps) > 0 {
		return &ps[0], ps[1:]
	}
	return nil, nil
}

func signalText(s probe.Signal) string {
	if s.CSQ < 0 || s.CSQ > 31 {
		return lang.L("Signal strength is unknown")
	}
	bars := strings.Repeat("▮", s.Bars) + strings.Repeat("▯", 4-s.Bars)
	return fmt.Sprintf("CSQ %d · %d dBm · %s", s.CSQ, s.DBM, bars)
}

func networkText(n probe.Network) string {
	lines := []string{lang.L(n.State)}
	if op := strings.TrimSpace(n.Operator); op != "" {
		if n.MCC != "" {
			op += " (" + n.MCC + " " + n.MNC + ")"
		}
		lines = append(lines, lang.L("Operator: {{.Name}}", map[string]any{"Name": op}))
	}
	if n.DataState >= 0 && n.RATName != "" && n.RATName != "unknown" {
		lines = append(lines, lang.L("Radio: {{.RAT}}", map[string]any{"RAT": n.RATName}))
	}
	return strings.Join(lines, "\n")
}

func dataCallIP(d probe.DataCall) string {
	var ips []string
	if d.Active {
		ips = append(ips, d.IP)
	}
	if d.IPv6Active {
		ips = append(ips, d.IPv6)
	}
	return strings.Join(nonEmpty(ips), " ")
}

func nonEmpty(xs []string) []string {
	var out []string
	for _, x := range xs {
		if x != "" && x != "0.0.0.0" && x != "::" {
			out = append(out, x)
		}
	}
	return out
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}
