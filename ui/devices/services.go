package devices

import (
	"context"
	"encoding/json"
	"time"

	"qpyhub/cloud/registry"
)

// Fleet is one hub's registry as the screen uses it; *registry.Client
// is one.
type Fleet interface {
	Query(ctx context.Context, where string, pageSize int, continuation string) ([]registry.Twin, string, error)
	GetTwin(ctx context.Context, id string) (registry.Twin, error)
	UpdateTwin(ctx context.Context, id string, desired, tags map[string]any) (registry.Twin, error)
	InvokeMethod(ctx context.Context, id, method string, payload json.RawMessage, timeout time.Duration) (registry.MethodResult, error)
	SetStatus(ctx context.Context, id, status string) (registry.Device, error)
	DeleteDevice(ctx context.Context, id string) error
	StartUpdateTwinJob(ctx context.Context, where string, desired, tags map[string]any) (registry.Job, error)
	StartMethodJob(ctx context.Context, where, method string, payload json.RawMessage, timeout time.Duration) (registry.Job, error)
	GetJob(ctx context.Context, id string) (registry.Job, error)
}

// FleetSource opens the hub the screen shows.
type FleetSource interface {
	// Local is the hub running in this program; an error says why there
	// is none.
	Local() (Fleet, error)
	// Open reaches a hub with a policy connection string (registryRead to
	// look, registryReadWrite and service connect to change).
	Open(policyConnectionString string) (Fleet, error)
}

// TelemetryReader is a Fleet that also keeps the devices' telemetry, as
// the local hub does; the detail pane then shows the last message.
type TelemetryReader interface {
	// LastTelemetry is the device's newest message and when it arrived;
	// ok is false when it sent none.
	LastTelemetry(id string) (received time.Time, payload []byte, ok bool)
}
