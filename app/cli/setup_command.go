package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
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

// setupSettings are one "qpyhub setup" run's settings.
type setupSettings struct {
	plan                   provision.Plan
	ports                  portList
	allQuectel, dps        bool
	asJSON, restore        bool
	tokenTTL, caFile, rest string
	proxy                  hubConnFlags // only its proxy fields
}

// setupCommand is one run of "qpyhub setup".
type setupCommand struct{ *call }

// setupFlags registers the flags of "qpyhub setup": it checks,
// identifies, writes and verifies modules.
func setupFlags(fs *flag.FlagSet) runFunc {
	f := &setupSettings{}
	p := &f.plan
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
	fs.BoolVar(&p.KeepMain, "keep-main", false, lang.L("keep the module's own /usr/main.py: write only the library and the config, prove the identity from the REPL, then restart the module so its own application runs"))
	fs.BoolVar(&f.restore, "restore", false, lang.L("put the module's own main.py back and remove the program"))
	return func(ctx context.Context, c *call, _ []string) error {
		return setupCommand{c}.run(ctx, f)
	}
}

func (c setupCommand) run(ctx context.Context, f *setupSettings) error {
	if f.restore && f.plan.KeepMain {
		return badArg("--keep-main", lang.L("is not for --restore: restore finds by itself whether a setup kept main.py"))
	}
	if err := c.complete(f); err != nil {
		return err
	}
	if err := c.resolvePorts(f); err != nil {
		return err
	}
	if f.restore {
		return c.restore(ctx, f.ports)
	}
	if err := f.plan.Validate(f.ports); err != nil {
		var pe *provision.PlanError
		errors.As(err, &pe)
		return badArg(setupFlagOf(pe.Field), lang.L(pe.Reason))
	}
	if err := provision.CheckRecordFile(f.plan.RecordFile); err != nil {
		var se *provision.StageError
		errors.As(err, &se)
		return badArg("--record", stageText(se.Message, se.Detail, se.NextStep))
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
			return errSaid // the results say which module failed and why
		}
	}
	return nil
}

// complete fills secrets from the environment, picks the identity mode
// and reads the files the flags name.
func (c setupCommand) complete(f *setupSettings) error {
	p := &f.plan
	p.HubConnectionString = c.orEnv(p.HubConnectionString, envHubConnectionString)
	p.GroupKey = c.orEnv(p.GroupKey, envGroupKey)
	p.CheckConnectionString = c.orEnv(p.CheckConnectionString, envCheckConnectionString)
	chosen := 0
	for _, on := range []bool{p.ConnectionString != "", p.HubConnectionString != "", f.dps} {
		if on {
			chosen++
		}
	}
	switch {
	case chosen > 1:
		return badArg("--connection-string", lang.L("give only one of --connection-string, --hub-connection-string and --dps"))
	case f.dps:
		p.Mode = provision.IdentityDPS
	case p.HubConnectionString != "":
		p.Mode = provision.IdentityRegistry
	default:
		p.Mode, p.ConnectionString = provision.IdentityDevice, c.orEnv(p.ConnectionString, envConnectionString)
		if p.ConnectionString == "" && !f.restore {
			return badArg("--connection-string", lang.L(provision.ReasonNoMode))
		}
	}
	if f.tokenTTL != "" {
		ttl, err := cloud.ParseTTL(f.tokenTTL)
		if err != nil {
			var fe *cloud.FieldError
			errors.As(err, &fe)
			return badArg("--token-ttl", lang.L(fe.Reason))
		}
		p.TokenTTL = ttl
	}
	if err := checkPositive("--verify-timeout", p.VerifyTimeout, "2m"); err != nil {
		return err
	}
	if f.caFile != "" {
		pem, err := os.ReadFile(f.caFile)
		if err != nil || !strings.Contains(string(pem), "-----BEGIN CERTIFICATE-----") {
			return badArg("--ca", lang.L("cannot be read as a PEM certificate file"))
		}
		p.CAPEM = pem
	}
	if f.rest != "" && !strings.HasPrefix(f.rest, "https://") {
		return badArg("--rest", lang.L("must be an https:// address"))
	}
	p.ServiceURL = f.rest
	proxy, flagName, err := f.proxy.proxyFunc()
	if err != nil {
		return badArg(flagName, err.Error())
	}
	p.Proxy = proxy // nil: HTTPS as the default transport does, DPS directly
	return nil
}

// orEnv is v, or else the environment variable's value.
func (c setupCommand) orEnv(v, name string) string {
	if v != "" {
		return v
	}
	return c.env(name)
}

// resolvePorts adds the Quectel REPL ports for --all-quectel.
func (c setupCommand) resolvePorts(f *setupSettings) error {
	if f.allQuectel {
		list, err := c.listPorts()
		if err != nil {
			return failedUnlessKnown(lang.L("Could not list the serial ports"), err)
		}
		for _, p := range ports.ReplPorts(list) {
			if p.IsQuectel {
				f.ports = append(f.ports, p.Name)
			}
		}
		if len(f.ports) == 0 {
			return failed(lang.L("No Quectel module with a REPL port is plugged in: check the cable, or name the port with --port"), nil)
		}
	}
	if len(f.ports) == 0 {
		return badArg("--port", lang.L("is missing: name the module's REPL port, or use --all-quectel"))
	}
	return nil
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

// restore undoes the setup on each port, one after the other, with one
// line for each port where it failed.
func (c setupCommand) restore(ctx context.Context, list []string) error {
	var failures error
	for _, port := range list {
		err := provision.Restore(ctx, port)
		if err == nil {
			fmt.Fprintln(c.stdout, lang.L("{{.Port}}: restored", map[string]any{"Port": port}))
			continue
		}
		c.failAbout(port, err)
		failures = errSaid
	}
	return failures
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
				map[string]any{"Port": r.Port, "Stage": lang.L(r.Stage), "Error": stageText(r.Error, r.Detail, r.Advice)}))
			c.printRuns(r)
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
		c.printRuns(r)
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

// printRuns says what the module starts at boot now, when the setup got
// far enough to decide it.
func (c setupCommand) printRuns(r provision.Result) {
	if note := provision.RunsNote(r.Runs); note != "" {
		fmt.Fprintln(c.stdout, "  "+lang.L(note))
	}
}
