package cli

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"flag"
	"net/http"
	"os"
	"strings"
	"time"

	"fyne.io/fyne/v2/lang"

	"qpyhub/assets"
	"qpyhub/cloud"
	"qpyhub/cloud/registry"
)

// devicesCommand is the row of "qpyhub devices": the devices of a hub,
// queried, changed and called one by one or as one job by query.
func devicesCommand() command {
	timeoutSoon := [2]string{"--timeout", "soon"}
	return command{
		name:    "devices",
		summary: "List the devices of a hub; change them or call methods, one by one or by query",
		usage: []string{
			"qpyhub devices list [--query \"WHERE …\"] [--json]",
			"qpyhub devices show ID [--json]",
			"qpyhub devices set (ID... | --query \"WHERE …\") [--desired JSON] [--tags JSON]",
			"qpyhub devices invoke (ID... | --query \"WHERE …\") METHOD [--payload JSON] [--timeout D] [--json]",
			"qpyhub devices enable|disable|delete ID...",
		},
		about: []string{"Every action takes --hub-connection-string (or QPYHUB_HUB_CONNECTION_STRING); --ca and --rest reach a local hub. With --query, set and invoke become one job of the hub and print its progress."},
		actions: []command{
			{name: "list", usage: []string{"qpyhub devices list [--query \"WHERE …\"] [--json]"}, flags: devicesListFlags, badValue: [2]string{"--json", "maybe"}},
			{name: "show", usage: []string{"qpyhub devices show ID [--json]"}, words: words{name: "ID", min: 1, max: 1}, flags: devicesShowFlags, badValue: [2]string{"--json", "maybe"}},
			{name: "set", usage: []string{"qpyhub devices set (ID... | --query \"WHERE …\") [--desired JSON] [--tags JSON]"}, words: words{name: "ID", max: -1}, flags: devicesSetFlags, badValue: [2]string{"--desired", "[1"}},
			{name: "invoke", usage: []string{"qpyhub devices invoke (ID... | --query \"WHERE …\") METHOD [--payload JSON] [--timeout D] [--json]"}, words: words{name: "METHOD", min: 1, max: -1}, flags: devicesInvokeFlags, badValue: timeoutSoon},
			{name: "enable", usage: []string{"qpyhub devices enable ID..."}, words: words{name: "ID", min: 1, max: -1}, flags: devicesStatusFlags(registry.StatusEnabled), badValue: timeoutSoon},
			{name: "disable", usage: []string{"qpyhub devices disable ID..."}, words: words{name: "ID", min: 1, max: -1}, flags: devicesStatusFlags(registry.StatusDisabled), badValue: timeoutSoon},
			{name: "delete", usage: []string{"qpyhub devices delete ID..."}, words: words{name: "ID", min: 1, max: -1}, flags: devicesDeleteFlags, badValue: timeoutSoon},
		},
	}
}

// devicesHub is how every devices action reaches the hub: the policy
// connection string, a CA and REST address for a local hub, a proxy.
type devicesHub struct {
	connStr, caFile, rest string
	timeout               time.Duration
	timed                 bool         // --timeout is the request bound
	proxy                 hubConnFlags // only its proxy fields
}

// register adds the hub flags, and --timeout as the bound of each
// request unless the action gives --timeout a meaning of its own.
func (h *devicesHub) register(fs *flag.FlagSet, withTimeout bool) {
	fs.StringVar(&h.connStr, "hub-connection-string", "", lang.L("hub policy connection string (or set QPYHUB_HUB_CONNECTION_STRING)"))
	fs.StringVar(&h.caFile, "ca", "", lang.L("PEM file of the CA to trust instead of the built-in roots (a local hub's CA)"))
	fs.StringVar(&h.rest, "rest", "", lang.L("https:// address of the hub's REST endpoint (a local hub)"))
	h.proxy.registerProxy(fs)
	h.timed = withTimeout
	if withTimeout {
		fs.DurationVar(&h.timeout, "timeout", registry.DefaultTimeout, lang.L("how long each request to the hub may take"))
	}
}

// client checks the hub flags and makes the registry client.
func (h *devicesHub) client(c *call) (*registry.Client, error) {
	cs := h.connStr
	if cs == "" {
		cs = c.env(envHubConnectionString)
	}
	if cs == "" {
		return nil, badArg("--hub-connection-string", lang.L("is missing (or set QPYHUB_HUB_CONNECTION_STRING)"))
	}
	if h.rest != "" && !strings.HasPrefix(h.rest, "https://") {
		return nil, badArg("--rest", lang.L("must be an https:// address"))
	}
	if h.timed {
		if err := checkPositive("--timeout", h.timeout, "30s"); err != nil {
			return nil, err
		}
	}
	roots, err := h.roots()
	if err != nil {
		return nil, err
	}
	proxy, proxyFlag, err := h.proxy.proxyFunc()
	if err != nil {
		return nil, badArg(proxyFlag, err.Error())
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.TLSClientConfig = &tls.Config{MinVersion: tls.VersionTLS12, RootCAs: roots}
	if proxy != nil {
		tr.Proxy = proxy
	}
	rc, err := registry.New(cs, registry.Options{BaseURL: h.rest, HTTPClient: &http.Client{Transport: tr}, Timeout: h.timeout})
	var fe *cloud.FieldError
	switch {
	case errors.As(err, &fe) && fe.Field == "BaseURL":
		return nil, badArg("--rest", lang.L(fe.Reason))
	case err != nil:
		return nil, badArg("--hub-connection-string", fieldWhy(err))
	}
	return rc, nil
}

// roots are the CAs the hub is checked against: --ca, else the built-in.
func (h *devicesHub) roots() (*x509.CertPool, error) {
	if h.caFile == "" {
		roots, err := assets.RootCAs()
		if err != nil {
			return nil, failed(lang.L("Could not read the built-in root certificates"), err)
		}
		return roots, nil
	}
	pem, err := os.ReadFile(h.caFile)
	pool := x509.NewCertPool()
	if err != nil || !pool.AppendCertsFromPEM(pem) {
		return nil, badArg("--ca", lang.L("cannot be read as a PEM certificate file"))
	}
	return pool, nil
}
