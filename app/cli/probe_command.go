package cli

import (
	"context"
	"encoding/json"
	"errors"
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

// probeOpener opens the REPL on a port; the closer ends the session.
type probeOpener func(ctx context.Context, port string) (probe.Executor, io.Closer, error)

// probeCommand is one run of "qpyhub probe"; open is the outside world.
type probeCommand struct {
	open           probeOpener
	stdout, stderr io.Writer
}

// runProbe checks the module on --port: SIM, signal, network, data call.
func runProbe(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return probeCommand{open: openProbeSession, stdout: stdout, stderr: stderr}.run(ctx, args)
}

func (c probeCommand) run(ctx context.Context, args []string) int {
	fs := flag.NewFlagSet("probe", flag.ContinueOnError)
	port := fs.String("port", "", lang.L("serial port of the module's REPL, for example /dev/ttyUSB2 or COM5 (see qpyhub ports)"))
	asJSON := fs.Bool("json", false, lang.L("print one JSON object"))
	timeout := fs.Duration("timeout", 10*time.Second, lang.L("give up when the module has not answered after this long"))
	fs.SetOutput(io.Discard)
	err := fs.Parse(args)
	if errors.Is(err, flag.ErrHelp) {
		printCommandHelp(c.stdout, fs, "qpyhub probe --port P [--json] [--timeout 10s]",
			lang.L("Checks the module: SIM, signal, network registration and data call, and says whether it is ready for the cloud."))
		return 0
	}
	switch {
	case err != nil:
		fmt.Fprintln(c.stderr, devFlagLine("probe", err))
		return 2
	case fs.NArg() > 0:
		fmt.Fprintln(c.stderr, lang.L("{{.Arg}}: probe takes no arguments; give the port with --port", map[string]any{"Arg": quote(fs.Arg(0))}))
		return 2
	case strings.TrimSpace(*port) == "":
		fmt.Fprintln(c.stderr, lang.L("--port is missing: name the module's REPL port (qpyhub ports lists them)"))
		return 2
	case *timeout <= 0:
		fmt.Fprintln(c.stderr, lang.L("--timeout must be longer than zero, for example 10s"))
		return 2
	}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	rep, err := c.check(ctx, *port)
	if err != nil {
		fmt.Fprintln(c.stderr, probeErrorLine(*port, err))
		return 1
	}
	if *asJSON {
		enc := json.NewEncoder(c.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			fmt.Fprintln(c.stderr, lang.L("Could not write the output")+" ("+err.Error()+")")
			return 1
		}
		return 0
	}
	printProbeCard(c.stdout, rep)
	return 0
}

// openProbeSession opens the module's REPL on port.
func openProbeSession(ctx context.Context, port string) (probe.Executor, io.Closer, error) {
	s, err := repl.Open(ctx, port, repl.Options{})
	if err != nil {
		return nil, nil, err
	}
	return probe.OverSession(s), s, nil
}

// check opens the port, runs the probe and closes the port again.
func (c probeCommand) check(ctx context.Context, port string) (probe.Report, error) {
	ex, closer, err := c.open(ctx, port)
	if err != nil {
		return probe.Report{}, err
	}
	defer closer.Close()
	return probe.Run(ctx, ex)
}

// probeErrorLine says in one line why the check failed and what to do.
func probeErrorLine(port string, err error) string {
	var pe *probe.Error
	if errors.As(err, &pe) {
		line := lang.L(pe.Message)
		if pe.Detail != "" {
			line += " (" + pe.Detail + ")"
		}
		if pe.Advice != "" {
			line += ": " + lang.L(pe.Advice)
		}
		if pe.Err != nil {
			line += " [" + pe.Err.Error() + "]"
		}
		return line
	}
	var inUse *repl.InUseError
	if errors.As(err, &inUse) {
		return lang.L(inUse.Phrase()) + " [" + err.Error() + "]"
	}
	return lang.L("Could not open {{.Port}}: check that it is the module's REPL port and that no other program uses it",
		map[string]any{"Port": port}) + " [" + err.Error() + "]"
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
	row("Module", devDash(r.Model), probeLabelled("IMEI", r.IMEI), probeLabelled(lang.L("Firmware"), r.Firmware))
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
