package desktop

import (
	"context"
	"crypto/tls"
	"fmt"
	"net/http"
	"time"

	"qpyhub/app/ota"
	"qpyhub/assets"
	"qpyhub/cloud/blobstore"
	"qpyhub/ui/updates"
)

// How often the Updates screen reads the modules' twins: on the local
// hub often enough to see each 10 % step; on IoT Hub within its
// throttling (an S1 unit: 10 twin reads a second, 20 queries a minute),
// leaving room for other tools, so at most 5 twin reads a second.
const (
	watchLocal  = 2 * time.Second
	watchAzure  = 10 * time.Second
	readsPerSec = 5
)

// watchInterval is how often to read the targets' twins.
func watchInterval(local bool, t ota.Targets) time.Duration {
	if local {
		return watchLocal
	}
	return max(watchAzure, time.Duration(len(t.DeviceIDs))*time.Second/readsPerSec)
}

// errBundleChanged: the file on disk is not the version the screen showed.
type errBundleChanged struct{ file, shown, now string }

func (e errBundleChanged) Error() string {
	return fmt.Sprintf("%s now holds version %s, not %s: choose the bundle again", e.file, e.now, e.shown)
}

// Start implements updates.Hub with ota.Start: the bundle read again and
// checked whole, its files hosted where the screen says.
func (h updateHub) Start(ctx context.Context, req updates.StartRequest, progress func(ota.StartStep)) (ota.StartResult, error) {
	b, err := ota.OpenBundle(req.BundlePath)
	if err != nil {
		return ota.StartResult{}, err
	}
	if b.Manifest.Version != req.Version {
		return ota.StartResult{}, errBundleChanged{req.BundlePath, req.Version, b.Manifest.Version}
	}
	host, err := h.host(req.Hosting)
	if err != nil {
		return ota.StartResult{}, err
	}
	return ota.Start(ctx, h.reg, b, host, req.Targets, req.Retry, progress)
}

// host is where the files go, as the screen chose.
func (h updateHub) host(hosting updates.Hosting) (ota.Host, error) {
	switch hosting.Kind {
	case updates.HostStorage:
		client, err := h.storageClient()
		if err != nil {
			return nil, err
		}
		store, err := blobstore.New(hosting.ConnectionString, blobstore.Options{Container: hosting.Container, HTTPClient: client})
		if err != nil {
			return nil, err
		}
		return ota.BlobHost(store, hosting.URLLifetime), nil
	case updates.HostURLPrefix:
		return ota.BaseURLHost(hosting.URLPrefix)
	}
	return ota.LocalHubHost(h.reg), nil
}

// storageClient reaches a storage account through the Settings screen's
// proxy, trusting the built-in roots.
func (h updateHub) storageClient() (*http.Client, error) {
	roots, err := assets.RootCAs()
	if err != nil {
		return nil, err
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.TLSClientConfig = &tls.Config{MinVersion: tls.VersionTLS12, RootCAs: roots}
	if h.proxy != nil {
		tr.Proxy = h.proxy
	}
	return &http.Client{Transport: tr}, nil
}

// Watch implements updates.Hub with ota.Watch.
func (h updateHub) Watch(ctx context.Context, targets ota.Targets, fn func([]ota.DeviceStatus)) error {
	return ota.Watch(ctx, h.reg, targets, watchInterval(h.local, targets), fn)
}
