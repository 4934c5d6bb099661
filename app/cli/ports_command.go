package cli

import (
	"context"
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

// portsFlags registers the flags of "qpyhub ports": it lists the serial
// ports and points at each module's REPL port.
func portsFlags(fs *flag.FlagSet) runFunc {
	asJSON := fs.Bool("json", false, lang.L("print a JSON array"))
	return func(_ context.Context, c *call, _ []string) error {
		list, err := c.listPorts()
		if err != nil {
			return failedUnlessKnown(lang.L("Could not list the serial ports"), err)
		}
		if *asJSON {
			return printPortsJSON(c.stdout, list)
		}
		printPortsTable(c.stdout, list)
		return nil
	}
}

func replNames(list []ports.Port) map[string]bool {
	m := map[string]bool{}
	for _, p := range ports.ReplPorts(list) {
		m[p.Name] = true
	}
	return m
}

func printPortsJSON(w io.Writer, list []ports.Port) error {
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
	return writeJSON(w, out)
}

func printPortsTable(w io.Writer, list []ports.Port) {
	if len(list) == 0 {
		fmt.Fprintln(w, lang.L("No serial ports found. Plug in the module and check the USB cable and driver."))
		return
	}
	repl := replNames(list)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, strings.Join([]string{lang.L("PORT"), "VID:PID", lang.L("INTERFACE"), lang.L("ROLE"), lang.L("MODEL"), lang.L("PRODUCT")}, "\t"))
	for _, p := range list {
		id, iface := "-", "-"
		if p.VID != 0 || p.PID != 0 {
			id = fmt.Sprintf("%04x:%04x", p.VID, p.PID)
		}
		if p.Interface >= 0 {
			iface = fmt.Sprint(p.Interface)
		}
		role := roleWord(p.Role)
		if repl[p.Name] {
			role += " *"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", p.Name, id, iface, role, dash(p.Model), dash(p.Product))
	}
	tw.Flush()
	fmt.Fprintln(w)
	if len(repl) == 0 {
		fmt.Fprintln(w, lang.L("No QuecPython REPL port found. Plug in the module, or pick its port by hand."))
		return
	}
	fmt.Fprintln(w, lang.L("* the module's REPL port: use it with qpyhub probe --port"))
}

// roleWord is the word the ports command shows for a port's role, in
// the user's language.
func roleWord(r ports.Role) string { return lang.L(r.Label()) }
