package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"fyne.io/fyne/v2/lang"

	"qpyhub/cloud"
)

// Environment variables that carry secrets, so they need not sit in the
// shell history.
const (
	envKey              = "QPYHUB_KEY"
	envConnectionString = "QPYHUB_CONNECTION_STRING"
	envDeviceKey        = "QPYHUB_DEVICE_KEY"
)

// sasCommand is one run of "qpyhub sas"; its fields are the outside world,
// so tests can hand it buffers and a fixed environment.
type sasCommand struct {
	stdout, stderr io.Writer
	stdin          io.Reader
	lookupEnv      func(string) (string, bool)
	now            func() time.Time
}

// sasFlags holds the flags of the credential-making forms.
type sasFlags struct {
	connStr, host, device, module, key      string
	dps                                     bool
	idScope, registrationID, groupKey, devK string
	ttl, expiry                             string
	websocket, json, snippet                bool
	keepalive                               int
	set                                     map[string]bool
}

// runSAS makes MQTT credentials for a device, a module or a DPS
// registration, or decodes and checks a SAS token ("sas decode").
func runSAS(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	c := sasCommand{stdout: stdout, stderr: stderr, stdin: os.Stdin, lookupEnv: os.LookupEnv, now: time.Now}
	return c.run(ctx, args)
}

func (c sasCommand) run(ctx context.Context, args []string) int {
	if len(args) > 0 && args[0] == "decode" {
		return c.decode(ctx, args[1:])
	}
	var f sasFlags
	fs := c.generateFlagSet(&f)
	if code, done := c.parseFlags(fs, args); done {
		return code
	}
	if fs.NArg() > 0 {
		// The stray word is not echoed: it may be a key typed without its flag.
		return c.usageLine("sas", "", lang.L("takes only flags; an extra word was given (to read a token, use sas decode)"))
	}
	f.set = make(map[string]bool)
	fs.Visit(func(fl *flag.Flag) { f.set[fl.Name] = true })
	if err := checkKeepaliveFlag(f); err != nil {
		return c.fieldError("--keepalive", err)
	}
	creds, src, err := c.credentials(&f)
	if err != nil {
		return c.fieldError(src, err)
	}
	c.warnLongLifetime(creds.ExpiresAt)
	if f.json {
		return c.printCredentialsJSON(creds, f)
	}
	if f.snippet {
		fmt.Fprint(c.stdout, cloud.QuecPythonSnippet(creds, f.keepalive))
		return 0
	}
	return c.printCredentials(creds)
}

func (c sasCommand) generateFlagSet(f *sasFlags) *flag.FlagSet {
	fs := flag.NewFlagSet("sas", flag.ContinueOnError)
	fs.StringVar(&f.connStr, "connection-string", "", lang.L("device connection string (or set QPYHUB_CONNECTION_STRING)"))
	fs.StringVar(&f.host, "host", "", lang.L("IoT Hub host name, for example myhub.azure-devices.net"))
	fs.StringVar(&f.device, "device", "", lang.L("device id"))
	fs.StringVar(&f.module, "module", "", lang.L("module id, for a module identity"))
	fs.StringVar(&f.key, "key", "", lang.L("device or module key, base64 (or set QPYHUB_KEY)"))
	fs.BoolVar(&f.dps, "dps", false, lang.L("make credentials for registering with the Device Provisioning Service"))
	fs.StringVar(&f.idScope, "id-scope", "", lang.L("DPS ID scope, for example 0ne00000000"))
	fs.StringVar(&f.registrationID, "registration-id", "", lang.L("DPS registration id of the device"))
	fs.StringVar(&f.groupKey, "group-key", "", lang.L("enrollment group key, base64; the device key is derived from it (or set QPYHUB_GROUP_KEY)"))
	fs.StringVar(&f.devK, "device-key", "", lang.L("the device's own DPS key, base64, instead of --group-key (or set QPYHUB_DEVICE_KEY)"))
	fs.StringVar(&f.ttl, "ttl", "1h", lang.L("token lifetime: 90m, 12h, 30d, 1y"))
	fs.StringVar(&f.expiry, "expiry", "", lang.L("token expiry as an RFC 3339 time, instead of --ttl"))
	fs.BoolVar(&f.websocket, "websocket", false, lang.L("connect over WebSockets on port 443 instead of MQTT on 8883"))
	fs.BoolVar(&f.json, "json", false, lang.L("print one JSON object"))
	fs.BoolVar(&f.snippet, "snippet", false, lang.L("print QuecPython code that connects with these credentials"))
	fs.IntVar(&f.keepalive, "keepalive", cloud.DefaultKeepalive, lang.L("MQTT keepalive in seconds for --snippet, 1 to 1177"))
	fs.Usage = func() {
		out := fs.Output()
		fmt.Fprintln(out, lang.L("Usage:"))
		fmt.Fprintln(out, "  qpyhub sas --connection-string CS [--ttl 1h | --expiry RFC3339] [--module M] [--websocket] [--json | --snippet]")
		fmt.Fprintln(out, "  qpyhub sas --host H --device D --key K [...]")
		fmt.Fprintln(out, "  qpyhub sas --dps --id-scope S --registration-id R (--group-key K | --device-key K) [...]")
		fmt.Fprintln(out, "  qpyhub sas decode TOKEN|- [--key K] [--json]")
		fmt.Fprintln(out, lang.L("Secrets may come from the environment instead of flags, to keep them out of the process list and the shell history: QPYHUB_CONNECTION_STRING, QPYHUB_KEY, QPYHUB_GROUP_KEY (or QPYHUB_KEY with --dps), QPYHUB_DEVICE_KEY."))
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses args; done reports that the command ends with code
// (help shown, or a bad flag reported in one line).
func (c sasCommand) parseFlags(fs *flag.FlagSet, args []string) (code int, done bool) {
	fs.SetOutput(io.Discard)
	err := fs.Parse(args)
	fs.SetOutput(c.stdout) // only help is printed through the flag set
	switch {
	case errors.Is(err, flag.ErrHelp):
		fs.Usage()
		return 0, true
	case err != nil:
		fmt.Fprintln(c.stderr, "qpyhub "+fs.Name()+": "+err.Error())
		return 2, true
	}
	return 0, false
}

// checkKeepaliveFlag refuses a --keepalive IoT Hub would not take, and
// one given without --snippet, where it would silently do nothing.
func checkKeepaliveFlag(f sasFlags) error {
	if !f.set["keepalive"] {
		return nil
	}
	if !f.snippet {
		return &flagError{reason: reasonNeedsSnippet}
	}
	return cloud.CheckKeepalive(f.keepalive)
}
