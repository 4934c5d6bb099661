package updates

import (
	"context"
	"time"

	"qpyhub/app/ota"
	"qpyhub/cloud/registry"
)

// Services is what the screen needs from the outside world.
type Services interface {
	// OpenBundle reads a bundle file and checks every file in it against
	// its manifest.
	OpenBundle(path string) (ota.Manifest, error)
	// LocalHub is the hub running in this program; an error says why
	// there is none.
	LocalHub() (Hub, error)
	// OpenHub reaches a hub with a policy connection string
	// (registryReadWrite to start updates).
	OpenHub(policyConnectionString string) (Hub, error)
}

// Hub is one hub as the screen uses it.
type Hub interface {
	// Devices lists the devices the condition matches ("" for every
	// device), in device id order.
	Devices(ctx context.Context, where string) ([]registry.DeviceSummary, error)
	// Start hosts the bundle's files and asks every target for its
	// version, as ota.Start does; progress may be nil.
	Start(ctx context.Context, req StartRequest, progress func(ota.StartStep)) (ota.StartResult, error)
	// Watch reads how each target's update stands, at once and again
	// until every target is final (nil) or ctx ends, and hands each
	// reading to fn (on the caller's goroutine, never the UI's), as
	// ota.Watch does.
	Watch(ctx context.Context, targets ota.Targets, fn func([]ota.DeviceStatus)) error
}

// StartRequest is everything Start needs.
type StartRequest struct {
	BundlePath string
	Version    string // the version the screen showed; Start refuses another
	Targets    ota.Targets
	Hosting    Hosting
	// Retry asks modules to try the version again after it failed or was
	// rolled back.
	Retry bool
}

// HostKind is where the bundle's files are put for the modules to fetch.
type HostKind int

// Where files can be hosted.
const (
	HostLocalHub  HostKind = iota // the local hub serves them itself
	HostStorage                   // an Azure storage account's Blob container
	HostURLPrefix                 // a URL prefix the user already serves
)

// Hosting is where the files go. It holds the storage account's
// connection string: print it only through String, which masks it.
type Hosting struct {
	Kind             HostKind
	ConnectionString string        // HostStorage: the storage account's; a secret
	Container        string        // HostStorage
	URLLifetime      time.Duration // HostStorage: how long the read-only URLs work
	URLPrefix        string        // HostURLPrefix
}

// String describes the hosting without the connection string.
func (h Hosting) String() string {
	switch h.Kind {
	case HostStorage:
		return "storage account (container " + h.Container + ", URLs for " + h.URLLifetime.String() + ")"
	case HostURLPrefix:
		return "URL prefix " + h.URLPrefix
	}
	return "local hub"
}

// GoString keeps %#v from printing the connection string.
func (h Hosting) GoString() string { return h.String() }
