package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"sort"
	"time"

	"fyne.io/fyne/v2/lang"

	"qpyhub/app/ota"
	"qpyhub/cloud"
	"qpyhub/cloud/blobstore"
	"qpyhub/cloud/registry"
)

// envStorageConnectionString may hold the storage account's connection
// string instead of --storage-connection-string.
const envStorageConnectionString = blobstore.ConnStringEnv

// defaultURLTTL is how long a storage URL lets modules download: a week
// covers modules that are offline for a few days.
const defaultURLTTL = 7 * 24 * time.Hour

// otaHosting is where the files go: the hub itself, a storage container
// or a URL prefix the user serves.
type otaHosting struct {
	storage, container, baseURL string
	urlTTL                      time.Duration
}

func (h *otaHosting) register(fs *flag.FlagSet) {
	fs.StringVar(&h.storage, "storage-connection-string", "", lang.L("storage account connection string: upload the files to a Blob container (or set QPYHUB_STORAGE_CONNECTION_STRING)"))
	fs.StringVar(&h.container, "container", "", lang.L("the Blob container for the files (default qpyhub-ota)"))
	fs.DurationVar(&h.urlTTL, "url-ttl", defaultURLTTL, lang.L("how long the storage URLs let modules download"))
	fs.StringVar(&h.baseURL, "base-url", "", lang.L("https:// prefix where you serve the files yourself (PREFIX/path under /usr)"))
}

// host checks the hosting flags and makes the Host; a storage account is
// reached through the hub flags' proxy, if any.
func (h *otaHosting) host(c *call, rc *registry.Client, hub *devicesHub) (ota.Host, error) {
	storage := h.storage
	if storage == "" && h.baseURL == "" {
		storage = c.env(envStorageConnectionString)
	}
	switch {
	case storage != "" && h.baseURL != "":
		return nil, badArg("--base-url", lang.L("give --storage-connection-string or --base-url, not both"))
	case storage == "" && h.container != "":
		return nil, badArg("--container", lang.L("needs --storage-connection-string"))
	case h.urlTTL <= 0:
		return nil, badArg("--url-ttl", lang.L("must be longer than zero, for example {{.Example}}", map[string]any{"Example": "168h"}))
	case h.baseURL != "":
		host, err := ota.BaseURLHost(h.baseURL)
		if err != nil {
			return nil, badArg("--base-url", lang.L("must be an https:// address"))
		}
		return host, nil
	case storage == "":
		return ota.LocalHubHost(rc), nil
	}
	proxy, proxyFlag, err := hub.proxy.proxyFunc()
	if err != nil {
		return nil, badArg(proxyFlag, err.Error())
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	if proxy != nil {
		tr.Proxy = proxy
	}
	store, err := blobstore.New(storage, blobstore.Options{Container: h.container, HTTPClient: &http.Client{Transport: tr}})
	var fe *cloud.FieldError
	switch {
	case errors.As(err, &fe) && fe.Field == "container":
		return nil, badArg("--container", lang.L(fe.Reason))
	case err != nil:
		return nil, badArg("--storage-connection-string", fieldWhy(err))
	}
	return ota.BlobHost(store, h.urlTTL), nil
}

// otaStartFlags registers "ota start".
func otaStartFlags(fs *flag.FlagSet) runFunc {
	var hub devicesHub
	hub.register(fs, true)
	var hosting otaHosting
	hosting.register(fs)
	var devices deviceList
	fs.Var(&devices, "device", lang.L("a module to update, by device id (repeatable)"))
	query := fs.String("query", "", lang.L("update every device this condition matches, e.g. \"WHERE tags.product = 'meter'\""))
	retry := fs.Bool("retry", false, lang.L("ask again modules whose update failed: same files, retry count plus one"))
	asJSON := fs.Bool("json", false, lang.L("print what was asked of whom as JSON"))
	return func(ctx context.Context, c *call, words []string) error {
		targets := ota.Targets{DeviceIDs: devices, Query: *query}
		if err := otaTargets(targets); err != nil {
			return err
		}
		rc, err := hub.client(c)
		if err != nil {
			return err
		}
		host, err := hosting.host(c, rc, &hub)
		if err != nil {
			return err
		}
		b, err := ota.OpenBundle(words[0])
		if err != nil {
			return failed(lang.L("Could not open the bundle"), err)
		}
		res, err := ota.Start(ctx, rc, b, host, targets, *retry, nil)
		if err != nil {
			if ce := queryArgError(err); ce != nil {
				return ce
			}
			return failedUnlessKnown(lang.L("Could not start the update"), err)
		}
		if *asJSON {
			return printStartJSON(c, res)
		}
		return printStart(ctx, c, rc, res)
	}
}

// otaTargets checks --device and --query as the frame wants them.
func otaTargets(t ota.Targets) error {
	switch {
	case len(t.DeviceIDs) > 0 && t.Query != "":
		return badArg("--query", lang.L("give --device or --query, not both"))
	case len(t.DeviceIDs) == 0 && t.Query == "" && !t.All:
		return badArg("--device", lang.L("is missing: name the modules with --device ID, or choose them with --query"))
	}
	for _, id := range t.DeviceIDs {
		if err := cloud.ValidateDeviceID("ID", id); err != nil {
			return badArg("--device", quote(id)+" "+fieldReason(err))
		}
	}
	return nil
}

func printStart(ctx context.Context, c *call, rc *registry.Client, res ota.StartResult) error {
	out := &outputWriter{w: c.stdout}
	fmt.Fprintln(out, lang.L("version {{.Version}}: {{.Count}} files on {{.Host}}",
		map[string]any{"Version": res.Desired.Version, "Count": len(res.Desired.Files), "Host": res.Host}))
	if res.Job != nil {
		if out.err != nil {
			return outputFailed(out.err)
		}
		return followJob(ctx, c, rc, *res.Job)
	}
	for _, id := range res.Devices {
		fmt.Fprintln(out, lang.L("{{.ID}}: asked for version {{.Version}}", map[string]any{"ID": id, "Version": res.Desired.Version}))
	}
	if out.err != nil {
		return outputFailed(out.err)
	}
	return failedDevices(c, res.Failed)
}

// failedDevices prints one line per device that could not be asked.
func failedDevices(c *call, failed map[string]error) error {
	ids := make([]string, 0, len(failed))
	for id := range failed {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		c.failAbout(id, failed[id])
	}
	if len(ids) > 0 {
		return errSaid
	}
	return nil
}

func printStartJSON(c *call, res ota.StartResult) error {
	failedText := map[string]string{}
	for id, err := range res.Failed {
		failedText[id] = failureLine(err)
	}
	if err := writeJSON(c.stdout, map[string]any{"desired": res.Desired, "host": res.Host, "devices": res.Devices,
		"failed": failedText, "job": res.Job}); err != nil {
		return err
	}
	if len(res.Failed) > 0 {
		return errSaid
	}
	return nil
}
