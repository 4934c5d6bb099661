package console

import (
	"context"
	"encoding/json"
	"time"

	"qpyhub/cloud"
	"qpyhub/cloud/hubclient"
)

// DeviceSession is one device connection as the console uses it. The
// cloud/hubclient session satisfies it as is.
type DeviceSession interface {
	// Connect dials and returns once the first connection is up or failed;
	// events (connection states included) arrive on Events meanwhile.
	Connect(ctx context.Context) error
	Events() <-chan hubclient.Event
	SendTelemetry(ctx context.Context, payload []byte, props map[string]string, sys hubclient.SystemProperties) error
	GetTwin(ctx context.Context) (json.RawMessage, error)
	PatchReported(ctx context.Context, patch json.RawMessage) (int, error)
	AnswerMethod(ctx context.Context, rid string, status int, payload json.RawMessage) error
	// Close disconnects and closes Events.
	Close()
}

// SessionTarget says whom the console connects as and where.
type SessionTarget struct {
	// LocalDevice, when set, connects to the in-process local hub as this
	// device; the other fields are then ignored.
	LocalDevice string
	// Identity is the device and its secret (key or ready-made token).
	Identity  cloud.DeviceIdentity
	WebSocket bool
	// CAFile replaces the built-in roots, for networks that inspect TLS.
	CAFile string
}

// DeviceSessionFactory makes (unconnected) sessions for a target.
type DeviceSessionFactory interface {
	NewSession(target SessionTarget) (DeviceSession, error)
}

// CloudMessage is a cloud-to-device message as the cloud side sends it.
type CloudMessage struct {
	Payload       []byte
	Properties    map[string]string
	MessageID     string
	CorrelationID string
	ContentType   string
}

// LocalHub is the in-process IoT Hub stand-in, seen from the cloud side:
// enough to register devices and to play the cloud in a demo.
type LocalHub interface {
	// Address is where devices reach it, such as "127.0.0.1:8883".
	Address() string
	Devices() []string
	AddDevice(id string) error
	// DeviceConnectionString holds the device key: show it masked.
	DeviceConnectionString(id string) (string, error)
	SendC2D(id string, msg CloudMessage) error
	UpdateDesired(id string, patch json.RawMessage) (version int, err error)
	InvokeMethod(ctx context.Context, id, name string, payload json.RawMessage, timeout time.Duration) (status int, answer json.RawMessage, err error)
}
