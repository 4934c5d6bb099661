package provision

import (
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"time"

	"qpyhub/cloud"
)

// IdentityMode says where a module's device identity comes from.
type IdentityMode string

const (
	// IdentityDevice uses an existing device connection string: one
	// device, so one module.
	IdentityDevice IdentityMode = "device"
	// IdentityRegistry creates a device per module through the registry
	// REST API with a hub policy connection string.
	IdentityRegistry IdentityMode = "registry"
	// IdentityDPS derives each module's key from an enrollment-group key;
	// the module registers through DPS itself at first boot.
	IdentityDPS IdentityMode = "dps"
)

// Defaults of a Plan's optional fields.
const (
	DefaultDeviceIDTemplate       = "{model}-{imei}"
	DefaultRegistrationIDTemplate = "{imei}"
	DefaultVerifyTimeout          = 2 * time.Minute
	DefaultHeartbeat              = 60 * time.Second
)

// Plan is what the user chose for a batch of modules.
type Plan struct {
	Mode IdentityMode

	ConnectionString string // IdentityDevice: the device's connection string

	HubConnectionString string // IdentityRegistry: a policy with registry write rights
	DeviceIDTemplate    string // default DefaultDeviceIDTemplate
	ReuseExisting       bool   // use a device that already exists instead of failing

	IDScope                string // IdentityDPS
	GroupKey               string // IdentityDPS: the enrollment group's symmetric key
	RegistrationIDTemplate string // default DefaultRegistrationIDTemplate
	DPSHost                string // default cloud.DPSGlobalHost
	// DPSCheckFromPC registers once from the PC before writing, to prove
	// the enrollment works and learn the assigned hub and device id.
	DPSCheckFromPC bool

	// CheckConnectionString is an optional hub policy string used only to
	// confirm from the cloud side in the device and DPS modes.
	CheckConnectionString string

	// Proxy is this PC's HTTP proxy, as http.Transport.Proxy picks it,
	// for the PC's own calls: the registry and twin (HTTPS) and the
	// enrollment check, which then registers over WebSockets (443). The
	// modules use their cellular link and never need it. nil leaves HTTPS
	// to the default transport and dials DPS directly.
	Proxy func(*http.Request) (*url.URL, error)

	// TokenTTL > 0 writes a SAS token of that lifetime instead of the key.
	TokenTTL time.Duration

	RecordFile    string        // .csv or .jsonl (.json, .ndjson); "" = no record
	VerifyTimeout time.Duration // default DefaultVerifyTimeout
	Heartbeat     time.Duration // the module's heartbeat period; default DefaultHeartbeat
	OverrideCheck bool          // go on when the module check finds a blocking problem

	// KeepMain leaves the module's own /usr/main.py as it is: the setup
	// writes only the library and the config, proves the identity from
	// the REPL through the library, then restarts the module so its own
	// application starts. false: the check program's launcher becomes
	// main.py (the module's own is kept aside).
	KeepMain bool

	// Local hub: Server is dialled instead of the hub or DPS host (module
	// and PC), CAPEM is trusted instead of the public roots and goes into
	// the module's config, ServiceURL replaces https://{host} for REST.
	Server     string
	CAPEM      []byte
	ServiceURL string
}

// PlanError names the field of a Plan that is wrong and why. Reason is a
// constant English phrase; neither field ever holds a secret.
type PlanError struct {
	Field  string // "connection string", "device id template", …
	Reason string
}

func (e *PlanError) Error() string { return e.Field + ": " + e.Reason }

// Phrase is the reason, a constant English phrase said after the field.
func (e *PlanError) Phrase() string { return e.Reason }

// Advice is "": every reason says what is wanted.
func (e *PlanError) Advice() string { return "" }

// Plan reasons, constant English phrases for translation.
const (
	ReasonNoMode          = "choose one identity: a device connection string, a hub connection string, or DPS"
	ReasonMissing         = "is missing"
	ReasonOneDevice       = "one device connection string is one device: set up one module with it, or use a hub connection string or DPS for several"
	ReasonNotDevice       = "is not a device connection string (HostName=…;DeviceId=…;SharedAccessKey=…)"
	ReasonNotPolicy       = "is not a hub policy connection string (HostName=…;SharedAccessKeyName=…;SharedAccessKey=…)"
	ReasonBadConnString   = "cannot be read as a connection string"
	ReasonBadKey          = "is not a base64 key"
	ReasonTokenNeedsHub   = "a token needs the hub and device id before the module registers: add the DPS check from the PC, or keep the key on the module"
	ReasonTokenOnly       = "carries a token, not a key: a new token cannot be made from it"
	ReasonNegative        = "must not be negative"
	ReasonRecordExtension = "must end in .csv or .jsonl"
	ReasonNoPorts         = "no module port given"
	ReasonDuplicatePort   = "the same port is given twice"
)

// withDefaults fills the optional fields.
func (p Plan) withDefaults() Plan {
	if p.DeviceIDTemplate == "" {
		p.DeviceIDTemplate = DefaultDeviceIDTemplate
	}
	if p.RegistrationIDTemplate == "" {
		p.RegistrationIDTemplate = DefaultRegistrationIDTemplate
	}
	if p.DPSHost == "" {
		p.DPSHost = cloud.DPSGlobalHost
	}
	if p.VerifyTimeout <= 0 {
		p.VerifyTimeout = DefaultVerifyTimeout
	}
	if p.Heartbeat <= 0 {
		p.Heartbeat = DefaultHeartbeat
	}
	return p
}

// Validate checks the plan for a batch of ports before anything touches
// a module or the cloud.
func (p Plan) Validate(ports []string) error {
	if err := checkPorts(ports); err != nil {
		return err
	}
	p = p.withDefaults()
	if p.TokenTTL < 0 {
		return &PlanError{"token lifetime", ReasonNegative}
	}
	if p.VerifyTimeout < 0 || p.Heartbeat < 0 {
		return &PlanError{"verify timeout", ReasonNegative}
	}
	if p.RecordFile != "" && recordFormatOf(p.RecordFile) == "" {
		return &PlanError{"record file", ReasonRecordExtension}
	}
	if p.CheckConnectionString != "" {
		if err := checkPolicy("check connection string", p.CheckConnectionString); err != nil {
			return err
		}
	}
	switch p.Mode {
	case IdentityDevice:
		return p.validateDevice(len(ports))
	case IdentityRegistry:
		if err := checkPolicy("hub connection string", p.HubConnectionString); err != nil {
			return err
		}
		return checkTemplate("device id template", p.DeviceIDTemplate, cloud.ValidateDeviceID)
	case IdentityDPS:
		return p.validateDPS()
	}
	return &PlanError{"identity", ReasonNoMode}
}

func checkPorts(ports []string) error {
	if len(ports) == 0 {
		return &PlanError{"port", ReasonNoPorts}
	}
	seen := map[string]bool{}
	for _, port := range ports {
		key := filepath.Clean(strings.TrimSpace(port))
		if seen[key] {
			return &PlanError{"port", ReasonDuplicatePort}
		}
		seen[key] = true
	}
	return nil
}

func (p Plan) validateDevice(ports int) error {
	if p.ConnectionString == "" {
		return &PlanError{"connection string", ReasonMissing}
	}
	cs, err := cloud.ParseConnectionString(p.ConnectionString)
	if err != nil {
		return &PlanError{"connection string", ReasonBadConnString}
	}
	if !cs.IsDevice() {
		return &PlanError{"connection string", ReasonNotDevice}
	}
	if _, err := cloud.IdentityFromConnectionString(cs); err != nil {
		return &PlanError{"connection string", ReasonNotDevice}
	}
	if cs.SharedAccessKey == "" && p.TokenTTL > 0 {
		return &PlanError{"connection string", ReasonTokenOnly}
	}
	if ports > 1 {
		return &PlanError{"connection string", ReasonOneDevice}
	}
	return nil
}

func (p Plan) validateDPS() error {
	if strings.TrimSpace(p.IDScope) == "" {
		return &PlanError{"ID scope", ReasonMissing}
	}
	if p.GroupKey == "" {
		return &PlanError{"group key", ReasonMissing}
	}
	if _, err := cloud.DecodeKey("group key", p.GroupKey); err != nil {
		return &PlanError{"group key", ReasonBadKey}
	}
	if p.TokenTTL > 0 && !p.DPSCheckFromPC {
		return &PlanError{"token lifetime", ReasonTokenNeedsHub}
	}
	return checkTemplate("registration id template", p.RegistrationIDTemplate, func(_, id string) error {
		return cloud.ValidateRegistrationID(id)
	})
}

func checkPolicy(field, s string) error {
	if s == "" {
		return &PlanError{field, ReasonMissing}
	}
	cs, err := cloud.ParseConnectionString(s)
	if err != nil {
		return &PlanError{field, ReasonBadConnString}
	}
	if cs.IsDevice() || cs.SharedAccessKeyName == "" || cs.SharedAccessKey == "" {
		return &PlanError{field, ReasonNotPolicy}
	}
	return nil
}
