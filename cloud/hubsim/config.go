package hubsim

import (
	"log/slog"
	"time"
)

// Config describes one local hub. The zero value of every field has a
// usable default.
type Config struct {
	HostName      string         // host name in SAS resources and usernames; default "localhost"
	MQTTAddr      string         // TLS MQTT listener; default "127.0.0.1:8883", ":0" picks a port
	WSAddr        string         // TLS WebSocket listener serving /$iothub/websocket; "" = off
	HTTPAddr      string         // HTTPS REST listener; "" = off
	DPSIDScope    string         // DPS ID scope; default "0ne00000001"
	Devices       []DeviceRecord // devices registered at start (added to RegistryFile's)
	RegistryFile  string         // JSON registry (devices, keys, the CA) loaded at start and saved on every change, hosted files in RegistryFile+".files"; "" = memory only
	NewCA         bool           // replace the CA kept in RegistryFile with a new one (clients must get the new CA)
	TelemetryKeep int            // telemetry messages kept per device; default 1000
	// TelemetryKeepBytes bounds the payload bytes kept per device (the
	// oldest messages go first); default 8 MiB.
	TelemetryKeepBytes int
	// ConnectTimeout is how long a connection may stay open without
	// sending CONNECT (the TLS handshake included), and how long a REST
	// request may take to arrive in full; default 60 s.
	ConnectTimeout time.Duration
	// TokenGrace is how long past its expiry a token is still honoured,
	// at connect and on a live connection, which the hub drops when the
	// grace ends. Zero means none: the connection drops at the expiry.
	// IoT Hub allows DefaultTokenGrace.
	TokenGrace time.Duration
	Now        func() time.Time // clock; default time.Now
	Logger     *slog.Logger     // default discards; never given keys or tokens
}

// DeviceRecord is one device identity in the registry.
type DeviceRecord struct {
	DeviceID     string `json:"deviceId"`
	PrimaryKey   string `json:"primaryKey"`
	SecondaryKey string `json:"secondaryKey"`
	Status       string `json:"status"` // StatusEnabled or StatusDisabled
}

// Device status values, as IoT Hub spells them.
const (
	StatusEnabled  = "enabled"
	StatusDisabled = "disabled"
)

// DefaultTokenGrace is the clock skew IoT Hub allows past a token's
// expiry: "a 5 min grace period after token expiration before the hub
// rejects the connection" (Microsoft, azure-iot-sdk-c issue 163;
// azure-iot-sdk-csharp issue 97: "a constant 5 mins to handle clock skews").
const DefaultTokenGrace = 5 * time.Minute

const (
	defaultHostName      = "localhost"
	defaultMQTTAddr      = "127.0.0.1:8883"
	defaultIDScope       = "0ne00000001"
	defaultTelemetryKeep = 1000
	// maxKeepalive is IoT Hub's ceiling for the MQTT keepalive, in seconds.
	maxKeepalive = 1177
	// maxSubscriptions is how many topic filters IoT Hub lets one device hold.
	maxSubscriptions = 5
	// maxC2DQueue is IoT Hub's limit of messages waiting for one device.
	maxC2DQueue = 50
)

// withDefaults returns cfg with empty fields filled in.
func (cfg Config) withDefaults() Config {
	if cfg.HostName == "" {
		cfg.HostName = defaultHostName
	}
	if cfg.MQTTAddr == "" {
		cfg.MQTTAddr = defaultMQTTAddr
	}
	if cfg.DPSIDScope == "" {
		cfg.DPSIDScope = defaultIDScope
	}
	if cfg.TelemetryKeep <= 0 {
		cfg.TelemetryKeep = defaultTelemetryKeep
	}
	if cfg.TelemetryKeepBytes <= 0 {
		cfg.TelemetryKeepBytes = defaultTelemetryKeepBytes
	}
	if cfg.ConnectTimeout <= 0 {
		cfg.ConnectTimeout = defaultConnectTimeout
	}
	if cfg.TokenGrace < 0 {
		cfg.TokenGrace = 0
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	return cfg
}
