package cli

import (
	"context"
	"flag"
	"fmt"

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

// sasCommand is one run of "qpyhub sas" or "qpyhub sas decode"; the
// environment, standard input and the clock come from its call's world.
type sasCommand struct{ *call }

// sasSettings holds the flags of the credential-making forms.
type sasSettings struct {
	connStr, host, device, module, key      string
	dps                                     bool
	idScope, registrationID, groupKey, devK string
	ttl, expiry                             string
	websocket, json, snippet                bool
	keepalive                               int
	set                                     map[string]bool
}

// sasGenerateFlags registers the flags of "qpyhub sas": it makes MQTT
// credentials for a device, a module or a DPS registration.
func sasGenerateFlags(fs *flag.FlagSet) runFunc {
	f := &sasSettings{}
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
	return func(_ context.Context, c *call, _ []string) error {
		f.set = make(map[string]bool)
		fs.Visit(func(fl *flag.Flag) { f.set[fl.Name] = true })
		return sasCommand{c}.generate(f)
	}
}

// generate prints the credentials the flags ask for.
func (c sasCommand) generate(f *sasSettings) error {
	if err := checkKeepaliveFlag(f); err != nil {
		return fieldError("--keepalive", err)
	}
	creds, src, err := c.credentials(f)
	if err != nil {
		return fieldError(src, err)
	}
	c.warnLongLifetime(creds.ExpiresAt)
	if f.json {
		return c.printCredentialsJSON(creds, f)
	}
	if f.snippet {
		fmt.Fprint(c.stdout, cloud.QuecPythonSnippet(creds, f.keepalive))
		return nil
	}
	return c.printCredentials(creds)
}

// checkKeepaliveFlag refuses a --keepalive IoT Hub would not take, and
// one given without --snippet, where it would silently do nothing.
func checkKeepaliveFlag(f *sasSettings) error {
	if !f.set["keepalive"] {
		return nil
	}
	if !f.snippet {
		return &flagError{reason: reasonNeedsSnippet}
	}
	return cloud.CheckKeepalive(f.keepalive)
}
