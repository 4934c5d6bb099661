package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"fyne.io/fyne/v2/lang"

	"qpyhub/app/provision"
	"qpyhub/cloud"
	"qpyhub/device/ports"
)

// Environment variables that keep secrets out of the shell history.
const (
	envHubConnectionString   = "QPYHUB_HUB_CONNECTION_STRING"
	envGroupKey              = "QPYHUB_GROUP_KEY"
	envCheckConnectionString = "QPYHUB_CHECK_CONNECTION_STRING"
)

// portList collects repeated or comma-separated --port flags.
type portList []string

func (p *portList) String() string { return strings.Join(*p, ",") }
func (p *portList) Set(v string) error {
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			*p = append(*p, s)
		}
	}
	return nil
}

// setupFlags are one "qpyhub setup" run's settings.
type setupFlags struct {
	plan                   provision.Plan
	ports                  portList
	allQuectel, dps        bool
	asJSON, restore        bool
	tokenTTL, caFile, rest string
	proxy                  hubConnFlags // only its proxy fields
}

// setupCommand is one run of "qpyhub setup"; listPorts is the outside world.
type setupCommand struct {
	listPorts      func() ([]ports.Port, error)
	stdout, stderr io.Writer
}

// runSetup checks, identifies, writes and verifies modules.
func runSetup(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return setupCommand{listPorts: ports.List, stdout: stdout, stderr: stderr}.run(ctx, args)
}

func (c setupCommand) run(ctx context.Context, args []string) int {
	f, code := c.parse(args)
	if f == nil {
		return code
	}
	if code := c.resolvePorts(f); code != 0 {
		return code
	}
	if f.restore {
		return c.restore(ctx, f.ports)
	}
	if err := f.plan.Validate(f.ports); err != nil {
		var pe *provision.PlanError
		errors.As(err, &pe)
		return badArgument(c.stderr, "setup", setupFlagOf(pe.Field), lang.L(pe.Reason))
	}
	if err := provision.CheckRecordFile(f.plan.RecordFile); err != nil {
		var se *provision.StageError
		errors.As(err, &se)
		return badArgument(c.stderr, "setup", "--record:", setupErrorText(se.Phrase, se.Detail, se.Advice))
	}
	progress := func(p provision.Progress) { c.printProgress(p) }
	if f.asJSON {
		progress = nil
	}
	results := provision.Run(ctx, f.plan, f.ports, progress)
	if f.asJSON {
		enc := json.NewEncoder(c.stdout)
		for _, r := range results {
			enc.Encode(r)
		}
	} else {
		c.printSummary(results)
	}
	for _, r := range results {
		if !r.Online() {
			return 1
		}
	}
	return 0
}

func (c setupCommand) parse(args []string) (*setupFlags, int) {
	f := &setupFlags{}
	p := &f.plan
	fs := flag.NewFlagSet("setup", flag.ContinueOnError)
	fs.Var(&f.ports, "port", lang.L("REPL port of a module (repeatable, or comma-separated)"))
	fs.BoolVar(&f.allQuectel, "all-quectel", false, lang.L("set up every Quectel module plugged in"))
	fs.StringVar(&p.ConnectionString, "connection-string", "", lang.L("device connection string (or set QPYHUB_CONNECTION_STRING); one module"))
	fs.StringVar(&p.HubConnectionString, "hub-connection-string", "", lang.L("hub policy connection string that may create devices (or set QPYHUB_HUB_CONNECTION_STRING)"))
	fs.StringVar(&p.DeviceIDTemplate, "device-id-template", provision.DefaultDeviceIDTemplate, lang.L("device id of each module: {model}, {imei}, {iccid}, {port}"))
	fs.BoolVar(&p.ReuseExisting, "reuse-existing", false, lang.L("use a device that already exists instead of failing"))
	fs.BoolVar(&f.dps, "dps", false, lang.L("use a DPS enrollment group: the module registers itself"))
	fs.StringVar(&p.IDScope, "id-scope", "", lang.L("DPS ID scope"))
	fs.StringVar(&p.GroupKey, "group-key", "", lang.L("enrollment group key (or set QPYHUB_GROUP_KEY)"))
	fs.StringVar(&p.RegistrationIDTemplate, "registration-id-template", provision.DefaultRegistrationIDTemplate, lang.L("registration id of each module: {model}, {imei}, {iccid}, {port}"))
	fs.StringVar(&p.DPSHost, "dps-host", cloud.DPSGlobalHost, lang.L("DPS device endpoint"))
	fs.BoolVar(&p.DPSCheckFromPC, "dps-check", false, lang.L("register once from the PC first, to prove the enrollment works"))
	fs.StringVar(&p.CheckConnectionString, "check-connection-string", "", lang.L("hub policy string used only to confirm from the cloud side (or set QPYHUB_CHECK_CONNECTION_STRING)"))
	fs.StringVar(&f.tokenTTL, "token-ttl", "", lang.L("write a SAS token of this lifetime instead of the key, for example 30d"))
	fs.StringVar(&p.RecordFile, "record", "", lang.L("append one record per module to this .csv or .jsonl file"))
	fs.BoolVar(&f.asJSON, "json", false, lang.L("print one JSON object per module"))
	fs.DurationVar(&p.VerifyTimeout, "verify-timeout", provision.DefaultVerifyTimeout, lang.L("how long to wait for the module to come online"))
	fs.StringVar(&p.Server, "server", "", lang.L("dial this host:port instead of the hub host (a local hub)"))
	fs.StringVar(&f.caFile, "ca", "", lang.L("PEM file of the CA to trust instead of the built-in roots (a local hub's CA)"))
	fs.StringVar(&f.rest, "rest", "", lang.L("https:// address of the hub's REST endpoint (a local hub)"))
	fs.BoolVar(&p.OverrideCheck, "override-check", false, lang.L("go on when the module check finds a problem"))
	fs.StringVar(&f.proxy.proxy, "proxy", "", lang.L("reach Azure from this PC through this HTTP proxy, http://[user@]host:port (password in QPYHUB_PROXY_PASSWORD)"))
	fs.BoolVar(&f.proxy.proxyFromEnv, "proxy-from-env", false, lang.L("reach Azure from this PC through the proxy named by HTTPS_PROXY and NO_PROXY"))
	fs.BoolVar(&f.restore, "restore", false, lang.L("put the module's own main.py back and remove the program"))
	fs.Usage = func() {
		printCommandHelp(c.stdout, fs, "qpyhub setup --port P|--all-quectel (--connection-string CS | --hub-connection-string HCS | --dps --id-scope S --group-key K) [flags]",
			lang.L("Checks each module, gets its identity, writes the program and its credentials to /usr, restarts it and waits until it is online."))
		printSetupFields(c.stdout)
	}
	if code, done := parseCommandFlags(fs, args, c.stderr); done {
		return nil, code
	}
	if fs.NArg() > 0 {
		return nil, badArgument(c.stderr, "setup", quote(fs.Arg(0)), lang.L("is not a flag; setup takes no arguments"))
	}
	if code := c.complete(f); code != 0 {
		return nil, code
	}
	return f, 0
}

// complete fills secrets from the environment, picks the identity mode
// and reads the files the flags name.
func (c setupCommand) complete(f *setupFlags) int {
	p := &f.plan
	p.HubConnectionString = orEnv(p.HubConnectionString, envHubConnectionString)
	p.GroupKey = orEnv(p.GroupKey, envGroupKey)
	p.CheckConnectionString = orEnv(p.CheckConnectionString, envCheckConnectionString)
	chosen := 0
	for _, on := range []bool{p.ConnectionString != "", p.HubConnectionString != "", f.dps} {
		if on {
			chosen++
		}
	}
	switch {
	case chosen > 1:
		return badArgument(c.stderr, "setup", "--connection-string", lang.L("give only one of --connection-string, --hub-connection-string and --dps"))
	case f.dps:
		p.Mode = provision.IdentityDPS
	case p.HubConnectionString != "":
		p.Mode = provision.IdentityRegistry
	default:
		p.Mode, p.ConnectionString = provision.IdentityDevice, orEnv(p.ConnectionString, envConnectionString)
		if p.ConnectionString == "" && !f.restore {
			return badArgument(c.stderr, "setup", "--connection-string", lang.L(provision.ReasonNoMode))
		}
	}
	if f.tokenTTL != "" {
		ttl, err := cloud.ParseTTL(f.tokenTTL)
		if err != nil {
			var fe *cloud.FieldError
			errors.As(err, &fe)
			return badArgument(c.stderr, "setup", "--token-ttl", lang.L(fe.Reason))
		}
		p.TokenTTL = ttl
	}
	if p.VerifyTimeout <= 0 {
		return badArgument(c.stderr, "setup", "--verify-timeout", lang.L("must be longer than zero, for example 2m"))
	}
	if f.caFile != "" {
		pem, err := os.ReadFile(f.caFile)
		if err != nil || !strings.Contains(string(pem), "-----BEGIN CERTIFICATE-----") {
			return badArgument(c.stderr, "setup", "--ca", lang.L("cannot be read as a PEM certificate file"))
		}
		p.CAPEM = pem
	}
	if f.rest != "" && !strings.HasPrefix(f.rest, "https://") {
		return badArgument(c.stderr, "setup", "--rest", lang.L("must be an https:// address"))
	}
	p.ServiceURL = f.rest
	proxy, flagName, err := f.proxy.proxyFunc()
	if err != nil {
		return badArgument(c.stderr, "setup", flagName, err.Error())
	}
	p.Proxy = proxy // nil: HTTPS as the default transport does, DPS directly
	return 0
}

func orEnv(v, name string) string {
	if v != "" {
		return v
	}
	return os.Getenv(name)
}

// resolvePorts adds the Quectel REPL ports for --all-quectel.
func (c setupCommand) resolvePorts(f *setupFlags) int {
	if f.allQuectel {
		list, err := c.listPorts()
		if err != nil {
			fmt.Fprintln(c.stderr, portsErrorLine(err))
			return 1
		}
		for _, p := range ports.ReplPorts(list) {
			if p.IsQuectel {
				f.ports = append(f.ports, p.Name)
			}
		}
		if len(f.ports) == 0 {
			fmt.Fprintln(c.stderr, lang.L("No Quectel module with a REPL port is plugged in: check the cable, or name the port with --port"))
			return 1
		}
	}
	if len(f.ports) == 0 {
		return badArgument(c.stderr, "setup", "--port", lang.L("is missing: name the module's REPL port, or use --all-quectel"))
	}
	return 0
}

// setupFlagOf names the flag behind a plan field.
func setupFlagOf(field string) string {
	switch field {
	case "connection string", "identity":
		return "--connection-string"
	case "hub connection string":
		return "--hub-connection-string"
	case "device id template":
		return "--device-id-template"
	case "ID scope":
		return "--id-scope"
	case "group key":
		return "--group-key"
	case "registration id template":
		return "--registration-id-template"
	case "token lifetime":
		return "--token-ttl"
	case "record file":
		return "--record"
	case "check connection string":
		return "--check-connection-string"
	case "verify timeout":
		return "--verify-timeout"
	}
	return "--port"
}

// restore undoes the setup on each port, one after the other.
func (c setupCommand) restore(ctx context.Context, list []string) int {
	code := 0
	for _, port := range list {
		err := provision.Restore(ctx, port)
		if err == nil {
			fmt.Fprintln(c.stdout, lang.L("{{.Port}}: restored", map[string]any{"Port": port}))
			continue
		}
		code = 1
		var se *provision.StageError
		if errors.As(err, &se) {
			fmt.Fprintln(c.stderr, port+": "+setupErrorText(se.Phrase, se.Detail, se.Advice))
		} else {
			fmt.Fprintln(c.stderr, port+": "+err.Error())
		}
	}
	return code
}

// printProgress shows stage changes; the write's byte counts are left out.
func (c setupCommand) printProgress(p provision.Progress) {
	if p.State == provision.StateRunning && (p.Stage == provision.StageWrite || p.Detail == "") {
		return
	}
	line := fmt.Sprintf("%s  %s %s", p.Port, lang.L(p.Stage), lang.L(p.State))
	if p.Detail != "" {
		line += "  " + lang.L(p.Detail)
	}
	fmt.Fprintln(c.stdout, line)
}

// printSummary says how each module ended, and the batch's totals. An
// online module's line says who confirmed it and how its TLS went, in
// the words the Setup screen's row uses.
func (c setupCommand) printSummary(results []provision.Result) {
	online := 0
	fmt.Fprintln(c.stdout)
	for _, r := range results {
		if !r.Online() {
			fmt.Fprintln(c.stdout, lang.L("{{.Port}}: failed at {{.Stage}}: {{.Error}}",
				map[string]any{"Port": r.Port, "Stage": lang.L(r.Stage), "Error": setupErrorText(r.Error, r.Detail, r.Advice)}))
			continue
		}
		online++
		fmt.Fprintln(c.stdout, lang.L("{{.Port}}: {{.Result}}, device {{.Device}} on {{.Hub}}",
			map[string]any{"Port": r.Port, "Result": lang.L(r.Result), "Device": r.DeviceID, "Hub": r.Hub}))
		if r.Confirmed == provision.ConfirmedModule {
			fmt.Fprintln(c.stdout, "  "+lang.L(provision.NoteConfirmedByModule))
		} else if r.Confirmation != "" {
			fmt.Fprintln(c.stdout, "  "+lang.L("confirmed by the hub: {{.How}}", map[string]any{"How": lang.L(r.Confirmation)}))
		}
		if note := provision.TLSNote(r.TLS); note != "" {
			line := "  " + lang.L(note)
			if r.TLSReason != "" {
				line += " (" + r.TLSReason + ")"
			}
			fmt.Fprintln(c.stdout, line)
		}
	}
	fmt.Fprintln(c.stdout, lang.L("{{.Online}} of {{.Total}} modules online", map[string]any{"Online": online, "Total": len(results)}))
}

// setupErrorText is cause (detail): next step, translated.
func setupErrorText(phrase, detail, advice string) string {
	s := lang.L(phrase)
	if detail != "" {
		s += " (" + detail + ")"
	}
	if advice != "" {
		s += ": " + lang.L(advice)
	}
	return s
}
