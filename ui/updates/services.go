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
	// version; progress may be nil.
	Start(ctx context.Context, req StartRequest, progress func(StartProgress)) (StartResult, error)
	// Watch reads how each target's update stands, at once and again
	// until every target is final or ctx ends, and hands each reading to
	// fn (on the caller's goroutine, never the UI's).
	Watch(ctx context.Context, targets Targets, fn func([]DeviceStatus)) error
}

// Targets are the modules an update is for: the devices named, or when
// none is named every device the query matches.
type Targets struct {
	Devices []string
	Query   string // a WHERE condition, e.g. "WHERE tags.site = 'lab'"
}

// StartRequest is everything Start needs.
type StartRequest struct {
	BundlePath string
	Version    string // the version the screen showed; Start refuses another
	Targets    Targets
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

// StartStage is what Start is doing.
type StartStage int

// The stages of a start, in order.
const (
	StageUploading StartStage = iota // a file goes to the host
	StageTargets                     // the desired version goes to the targets
)

// StartProgress is one step of a start.
type StartProgress struct {
	Stage StartStage
	Path  string // StageUploading: the file's module path
	Done  int    // files uploaded, or targets asked
	Total int
}

// StartResult is what a start did.
type StartResult struct {
	// Devices are the targets asked one by one; JobID the hub's job when
	// a query was asked in one go.
	Devices []string
	JobID   string
	// Failed are the targets that could not be asked, and why.
	Failed []TargetError
}

// TargetError is a target that could not be asked for the version.
type TargetError struct {
	DeviceID string
	Err      error
}

// DeviceStatus is how one module's update stands: what it reported
// under qpyhub.ota, and the version desired of it.
type DeviceStatus struct {
	DeviceID string
	Desired  string // the version desired, "" when none
	ota.Reported
}

// Final says whether nothing more happens to this module's update: it
// reported a final state for the version desired.
func (d DeviceStatus) Final() bool {
	return d.State.Final() && (d.Desired == "" || d.Version == d.Desired)
}
