package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"fyne.io/fyne/v2/lang"

	"qpyhub/device/probe"
	"qpyhub/device/repl"
)

// probeFlags registers the flags of "qpyhub probe": it checks the module
// on --port (SIM, signal, network, data call).
func probeFlags(fs *flag.FlagSet) runFunc {
	var m moduleFlags
	m.register(fs, 10*time.Second, lang.L("give up when the module has not answered after this long"))
	asJSON := fs.Bool("json", false, lang.L("print one JSON object"))
	return func(ctx context.Context, c *call, _ []string) error {
		if err := m.check(); err != nil {
			return err
		}
		ctx, cancel := context.WithTimeout(ctx, m.timeout)
		defer cancel()
		rep, err := checkModule(ctx, m.port)
		if err != nil {
			return failedUnlessKnown(lang.L("Could not open {{.Port}}: check that it is the module's REPL port and that no other program uses it",
				map[string]any{"Port": m.port}), err)
		}
		if *asJSON {
			return writeJSON(c.stdout, rep)
		}
		printProbeCard(c.stdout, rep)
		return nil
	}
}

// checkModule opens the module's REPL on port, runs the check and closes
// the port again.
func checkModule(ctx context.Context, port string) (probe.Report, error) {
	s, err := repl.Open(ctx, port, repl.Options{})
	if err != nil {
		return probe.Report{}, err
	}
	defer s.Close()
	return probe.Run(ctx, probe.OverSession(s))
}

// printProbeCard writes the module check as a card: the verdict first,
// then one line per subject, then the problems in the order to fix them.
func printProbeCard(w io.Writer, r probe.Report) {
	fmt.Fprintln(w, probeVerdictLine(r))
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	row := func(label string, parts ...string) {
		fmt.Fprintf(tw, "%s\t%s\n", lang.L(label), strings.Join(probeNonEmpty(parts), "  "))
	}
	row("Module", dash(r.Model), probeLabelled("IMEI", r.IMEI), probeLabelled(lang.L("Firmware"), r.Firmware))
	row("SIM", lang.L(r.SIM.Meaning), probeLabelled("ICCID", r.SIM.ICCID), probeLabelled("IMSI", r.SIM.IMSI))
	row("Signal", probeSignalText(r.Signal))
	row("Network", lang.L(r.Network.State), strings.TrimSpace(r.Network.Operator+" "+probeOperatorCode(r.Network)), probeRATText(r.Network))
	row("Data call", probeDataCallText(r.DataCall))
	if len(r.Missing) > 0 {
		row("Missing modules", strings.Join(r.Missing, ", "))
	}
	tw.Flush()
	if len(r.Problems) == 0 {
		return
	}
	fmt.Fprintln(w)
	for i, p := range r.Problems {
		line := fmt.Sprintf("%d. %s: %s", i+1, lang.L(p.Message), lang.L(p.Advice))
		if p.Detail != "" {
			line += " (" + p.Detail + ")"
		}
		fmt.Fprintln(w, line)
	}
}

func probeVerdictLine(r probe.Report) string {
	if r.Ready {
		return lang.L("READY: the module can connect to the cloud")
	}
	first := lang.L("unknown problem")
	if len(r.Problems) > 0 {
		first = lang.L(r.Problems[0].Message)
	}
	return lang.L("NOT READY: {{.Problem}}", map[string]any{"Problem": first})
}

func probeSignalText(s probe.Signal) string {
	if s.CSQ < 0 || s.CSQ > 31 {
		return lang.L("unknown")
	}
	bars := strings.Repeat("▮", s.Bars) + strings.Repeat("▯", 4-s.Bars)
	t := fmt.Sprintf("CSQ %d (%d dBm) %s", s.CSQ, s.DBM, bars)
	if s.RSRP != 0 {
		t += fmt.Sprintf("  RSRP %d dBm", s.RSRP)
	}
	if s.RSRQ != 0 {
		t += fmt.Sprintf("  RSRQ %d dB", s.RSRQ)
	}
	return t
}

func probeOperatorCode(n probe.Network) string {
	if n.MCC == "" {
		return ""
	}
	return "(" + n.MCC + " " + n.MNC + ")"
}

func probeRATText(n probe.Network) string {
	if n.DataState < 0 {
		return ""
	}
	return n.RATName
}

func probeDataCallText(d probe.DataCall) string {
	if d.Profile < 0 {
		return lang.L("unknown")
	}
	if !d.Active && !d.IPv6Active {
		return lang.L("no IP address")
	}
	parts := []string{d.IP, d.IPv6}
	if len(d.DNS) > 0 {
		parts = append(parts, "DNS "+strings.Join(d.DNS, ", "))
	}
	return strings.Join(probeNonEmpty(parts), "  ")
}

func probeLabelled(label, value string) string {
	if value == "" {
		return ""
	}
	return label + " " + value
}

func probeNonEmpty(parts []string) []string {
	out := parts[:0:0]
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	return out
}
