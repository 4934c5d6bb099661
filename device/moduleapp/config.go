package moduleapp

import (
	"encoding/base64"
	"encoding/json"
	"strings"
)

// Where the program's files are on the module: the one place these paths
// are spelled on the PC side (the program spells its own two in
// assets/module/qpyhub_app.py, checked against these by a test).
const (
	// Dir is the module's user file system, the only part that survives a
	// firmware update and the one the program lives in.
	Dir         = "/usr"
	ConfigPath  = Dir + "/qpyhub_config.json"
	ProgramPath = Dir + "/qpyhub_app.py"
	// LibraryPath is the library the program and a customer's own
	// application import (`from usr import qpyhub`).
	LibraryPath = Dir + "/qpyhub.py"
	// OTAPath is the library's update engine, imported when the twin
	// asks for an update; GuardPath is the journaled apply and the guard
	// that stands in for main.py while a new version is on trial. Both go
	// wherever the library goes.
	OTAPath   = Dir + "/qpyhub_ota.py"
	GuardPath = Dir + "/qpyhub_guard.py"
	// MainPath is the launcher the firmware runs at boot.
	MainPath = Dir + "/main.py"
	// BackupPath keeps the module's own main.py while the launcher
	// replaces it; undoing a setup puts it back.
	BackupPath = MainPath + ".qpyhub-bak"
	// DPSStatePath is written by the program: the hub and device id DPS
	// assigned, so a reboot connects without registering again.
	DPSStatePath = Dir + "/qpyhub_dps.json"
)

// Defaults the program also applies when a field is absent.
const (
	ConfigVersion    = 1
	DefaultPort      = 8883
	DefaultTokenTTL  = 3600
	DefaultHeartbeat = 60
	DefaultKeepalive = 240 // seconds; IoT Hub takes up to 1177
	DefaultDPSHost   = "global.azure-devices-provisioning.net"
)

// Auth modes.
const (
	AuthKey   = "key"   // the device key is on the module, which mints its own SAS
	AuthToken = "token" // a SAS token is on the module and used as it is
)

// Config is /usr/qpyhub_config.json. It holds a key or a token: never
// log it with %+v (String masks both).
type Config struct {
	Version    int    `json:"version"`
	DeviceID   string `json:"device_id"`
	Host       string `json:"host"`
	Port       int    `json:"port"`
	Auth       string `json:"auth"`
	Key        string `json:"key,omitempty"`
	Token      string `json:"token,omitempty"`
	TokenTTL   int    `json:"token_ttl"` // seconds; lifetime of each SAS the module mints
	DPS        *DPS   `json:"dps"`
	CA         string `json:"ca"`        // PEM; empty: the module connects without checking the server
	Heartbeat  int    `json:"heartbeat"` // seconds between heartbeat messages
	Keepalive  int    `json:"keepalive"` // MQTT keepalive, seconds; the module finds a dead connection within it
	TimeOffset int64  `json:"time_offset"`
}

// DPS makes the module register through the Device Provisioning Service
// first; Config.Host and Config.DeviceID may then be empty.
type DPS struct {
	Host           string `json:"host"`
	Port           int    `json:"port"`
	IDScope        string `json:"id_scope"`
	RegistrationID string `json:"registration_id"`
}

// String describes c without its key or token.
func (c Config) String() string {
	masked := c
	if masked.Key != "" {
		masked.Key = "****"
	}
	if masked.Token != "" {
		masked.Token = "****"
	}
	b, _ := json.Marshal(masked)
	return string(b)
}

// FieldError names the config field that is wrong and why.
type FieldError struct {
	Field  string
	Reason string
}

func (e *FieldError) Error() string { return "module config: " + e.Field + ": " + e.Reason }

// JSON fills in defaults, checks c by the rules the program applies on
// the module, and returns the file's content.
func (c Config) JSON() ([]byte, error) {
	if err := c.withDefaults().check(); err != nil {
		return nil, err
	}
	return json.MarshalIndent(c.withDefaults(), "", "  ")
}

func (c Config) withDefaults() Config {
	if c.Version == 0 {
		c.Version = ConfigVersion
	}
	if c.Port == 0 {
		c.Port = DefaultPort
	}
	if c.TokenTTL == 0 {
		c.TokenTTL = DefaultTokenTTL
	}
	if c.Heartbeat == 0 {
		c.Heartbeat = DefaultHeartbeat
	}
	if c.Keepalive == 0 {
		c.Keepalive = DefaultKeepalive
	}
	if c.DPS != nil {
		d := *c.DPS
		if d.Host == "" {
			d.Host = DefaultDPSHost
		}
		if d.Port == 0 {
			d.Port = DefaultPort
		}
		c.DPS = &d
	}
	return c
}

func (c Config) check() error {
	bad := func(field, reason string) error { return &FieldError{field, reason} }
	switch {
	case c.Version != ConfigVersion:
		return bad("version", "only version 1 is known")
	case c.Port < 1 || c.Port > 65535:
		return bad("port", "must be from 1 to 65535")
	case c.TokenTTL < 5 || c.TokenTTL > 31536000:
		return bad("token_ttl", "must be from 5 s to a year")
	case c.Heartbeat < 5 || c.Heartbeat > 86400:
		return bad("heartbeat", "must be from 5 s to a day")
	case c.Keepalive < 30 || c.Keepalive > 1177:
		return bad("keepalive", "must be from 30 s to 1177 s (IoT Hub's limit)")
	case c.TimeOffset < -4e9 || c.TimeOffset > 4e9:
		return bad("time_offset", "is out of range")
	case c.CA != "" && !strings.Contains(c.CA, "-----BEGIN CERTIFICATE-----"):
		return bad("ca", "not a PEM certificate")
	}
	if c.DPS != nil {
		switch {
		case strings.TrimSpace(c.DPS.IDScope) == "":
			return bad("dps.id_scope", "missing")
		case strings.TrimSpace(c.DPS.RegistrationID) == "":
			return bad("dps.registration_id", "missing")
		case c.DPS.Port < 1 || c.DPS.Port > 65535:
			return bad("dps.port", "must be from 1 to 65535")
		}
	} else {
		if strings.TrimSpace(c.DeviceID) == "" {
			return bad("device_id", "missing (needed without dps)")
		}
		if strings.TrimSpace(c.Host) == "" {
			return bad("host", "missing (needed without dps)")
		}
	}
	switch c.Auth {
	case AuthKey:
		if strings.TrimSpace(c.Key) == "" {
			return bad("key", `missing (auth is "key")`)
		}
		if !isBase64(c.Key) {
			return bad("key", "not base64")
		}
	case AuthToken:
		if c.DPS != nil {
			return bad("auth", `"token" cannot register through dps, use "key"`)
		}
		if strings.TrimSpace(c.Token) == "" {
			return bad("token", `missing (auth is "token")`)
		}
		if !strings.HasPrefix(c.Token, "SharedAccessSignature ") || !hasDecimalExpiry(c.Token) {
			return bad("token", "not a SharedAccessSignature with sr, sig and se")
		}
	default:
		return bad("auth", `must be "key" or "token"`)
	}
	return nil
}

// isBase64 accepts keys with or without their '=' padding, as the
// program does.
func isBase64(s string) bool {
	s = strings.TrimRight(strings.TrimSpace(s), "=")
	b, err := base64.RawStdEncoding.DecodeString(s)
	return err == nil && len(b) > 0
}

func hasDecimalExpiry(token string) bool {
	for _, part := range strings.Split(strings.TrimPrefix(token, "SharedAccessSignature "), "&") {
		if v, ok := strings.CutPrefix(part, "se="); ok {
			return v != "" && strings.Trim(v, "0123456789") == ""
		}
	}
	return false
}
