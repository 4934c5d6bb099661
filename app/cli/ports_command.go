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

	"fyne.io/fyne/v2/lang"

	"qpyhub/device/ports"
)

// portJSON is one port in `qpyhub ports --json`. vid and pid are four
// lower-case hex digits ("2c7c"), empty for ports that are not USB;
// interface is -1 when unknown; repl marks the one REPL port chosen per
// module.
type portJSON struct {
	Name         string `json:"name"`
	VID          string `json:"vid"`
	PID          string `json:"pid"`
	Serial       string `json:"serial"`
	Product      string `json:"product"`
	Manufacturer string `json:"manufacturer"`
	Interface    int    `json:"interface"`
	Role         string `json:"role"`
	Model        string `json:"model"`
	IsQuectel    bool   `json:"isQuectel"`
	REPL         bool   `json:"repl"`
}

// portsCommand is one run of "qpyhub ports"; list is the outside world.
type portsCommand struct {
	list           func() ([]ports.Port, error)
	stdout, stderr io.Writer
}

// runPorts lists the serial ports and points at each module's REPL port.
func runPorts(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return portsCommand{list: ports.List, stdout: stdout, stderr: stderr}.run(ctx, args)
}

func (c portsCommand) run(_ context.Context, args []string) int {
	fs := flag.NewFlagSet("ports", flag.ContinueOnError)
	asJSON := fs.Bool("json", false, lang.L("print a JSON array"))
	fs.SetOutput(io.Discard)
	err := fs.Parse(args)
	if errors.Is(err, flag.ErrHelp) {
		printCommandHelp(c.stdout, fs, "qpyhub ports [--json]",
			lang.L("Lists the serial ports and marks the REPL port of each QuecPython module."))
		return 0
	}
	if err != nil {
		fmt.Fprintln(c.stderr, devFlagLine("ports", err))
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintln(c.stderr, lang.L("{{.Arg}}: ports takes no arguments", map[string]any{"Arg": quote(fs.Arg(0))}))
		return 2
	}
	list, err := c.list()
	if err != nil {
		fmt.Fprintln(c.stderr, portsErrorLine(err))
		return 1
	}
	if *asJSON {
		return c.printJSON(list)
	}
	c.printTable(list)
	return 0
}

// devFlagLine turns a flag package error into one translated line.
func devFlagLine(cmd string, err error) string {
	return lang.L("{{.Command}}: bad flag: {{.Error}}; run qpyhub {{.Command}} --help",
		map[string]any{"Command": cmd, "Error": err.Error()})
}

func portsErrorLine(err error) string {
	var pe *ports.Error
	if errors.As(err, &pe) {
		return lang.L(pe.Message) + ": " + lang.L(pe.Advice) + " (" + devErrCause(pe.Err) + ")"
	}
	return lang.L("Could not list the serial ports") + " (" + err.Error() + ")"
}

func devErrCause(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func replNames(list []ports.Port) map[string]bool {
	m := map[string]bool{}
	for _, p := range ports.ReplPorts(list) {
		m[p.Name] = true
	}
	return m
}

func (c portsCommand) printJSON(list []ports.Port) int {
	repl := replNames(list)
	out := make([]portJSON, 0, len(list))
	for _, p := range list {
		j := portJSON{Name: p.Name, Serial: p.Serial, Product: p.Product, Manufacturer: p.Manufacturer,
			Interface: p.Interface, Role: string(p.Role), Model: p.Model, IsQuectel: p.IsQuectel, REPL: repl[p.Name]}
		if p.VID != 0 || p.PID != 0 {
			j.VID, j.PID = fmt.Sprintf("%04x", p.VID), fmt.Sprintf("%04x", p.PID)
		}
		out = append(out, j)
	}
	enc := json.NewEncoder(c.stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil {
		fmt.Fprintln(c.stderr, lang.L("Could not write the output")+" ("+err.Error()+")")
		return 1
	}
	return 0
}

func (c portsCommand) printTable(list []ports.Port) {
	if len(list) == 0 {
		fmt.Fprintln(c.stdout, lang.L("No serial ports found. Plug in the module and check the USB cable and driver."))
		return
	}
	repl := replNames(list)
	tw := tabwriter.NewWriter(c.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, strings.Join([]string{lang.L("PORT"), "VID:PID", lang.L("INTERFACE"), lang.L("ROLE"), lang.L("MODEL"), lang.L("PRODUCT")}, "\t"))
	for _, p := range list {
		id, iface := "-", "-"
		if p.VID != 0 || p.PID != 0 {
			id = fmt.Sprintf("%04x:%04x", p.VID, p.PID)
		}
		if p.Interface >= 0 {
			iface = fmt.Sprint(p.Interface)
		}
		role := lang.L(roleLabel(p.Role))
		if repl[p.Name] {
			role += " *"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", p.Name, id, iface, role, devDash(p.Model), devDash(p.Product))
	}
	tw.Flush()
	fmt.Fprintln(c.stdout)
	if len(repl) == 0 {
		fmt.Fprintln(c.stdout, lang.L("No QuecPython REPL port found. Plug in the module, or pick its port by hand."))
		return
	}
	fmt.Fprintln(c.stdout, lang.L("* the module's REPL port: use it with qpyhub probe --port"))
}

// roleLabel is the English label of a role, a translation key.
func roleLabel(r ports.Role) string {
	switch r {
	case ports.RoleREPL:
		return "REPL"
	case ports.RoleAT:
		return "AT"
	case ports.RoleDiag:
		return "diagnostics"
	case ports.RoleNMEA:
		return "GNSS (NMEA)"
	}
	return "unknown"
}

func devDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
