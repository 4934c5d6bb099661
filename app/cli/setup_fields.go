package cli

import (
	"fmt"
	"io"

	"fyne.io/fyne/v2/lang"
)

// setupField is one field of a setup result (--json) or record line.
type setupField struct {
	name  string
	about string // English source text, translated when shown
}

// setupFields describes every field a production line can read, in the
// order --help lists them. README's field table says the same.
var setupFields = []setupField{
	{"result", "online or failed, nothing else"},
	{"confirmed", "cloud: the hub showed the module (twin, telemetry or connection); module: only the module's own status lines said it is online; empty when failed"},
	{"confirmation", "how the hub showed it: twin reported properties, heartbeat telemetry or device connection state (--json only)"},
	{"tls", "verified: the module checked the server's certificate; unverified: it encrypts without checking (its firmware's ussl takes no CA); empty: it never connected"},
	{"tlsReason", "the module's reason for an unverified connection"},
	{"stage", "where it failed: module, identity, credentials, write, verify or record; empty when online"},
	{"error", "the cause; in the record with its values in brackets"},
	{"advice", "the next step (--json only)"},
	{"detail", "the values of the error, never a key (--json only)"},
	{"port, imei, iccid, model", "the module"},
	{"deviceId, hub, auth", "the device the module became, its hub, and key or token"},
	{"time", "when the module finished, UTC (record only)"},
	{"started, finished", "when the module's setup started and finished (--json only)"},
	{"tokenExpires", "when the written token expires (--json, with --token-ttl)"},
	{"runs", "what the module starts at boot: own-main (its own main.py, kept by --keep-main) or check-program (qpyhub's check program); empty when the setup failed before it changed main.py"},
	{"warnings, backedUp, checkOverridden", "warnings as sentences; whether the module's own main.py was kept as main.py.qpyhub-bak; the module check's problem that --override-check passed (--json only)"},
}

// printSetupFields ends setup's --help with the fields of its results.
func printSetupFields(w io.Writer) {
	fmt.Fprintln(w)
	fmt.Fprintln(w, lang.L("Each module gives one JSON object (--json) and one record line (--record, CSV columns or JSON lines) with these fields:"))
	for _, f := range setupFields {
		fmt.Fprintf(w, "  %s\n    \t%s\n", f.name, lang.L(f.about)) // as flag.PrintDefaults lays flags out
	}
}
