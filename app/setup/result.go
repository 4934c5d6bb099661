package setup

import "time"

// Stages of one module's setup, in order.
const (
	StageModule      = "module"
	StageIdentity    = "identity"
	StageCredentials = "credentials"
	StageWrite       = "write"
	StageVerify      = "verify"
	StageRecord      = "record"
)

// Stages lists the stages in the order they run.
func Stages() []string {
	return []string{StageModule, StageIdentity, StageCredentials, StageWrite, StageVerify, StageRecord}
}

// Progress states.
const (
	StateRunning = "running"
	StateOK      = "ok"
	StateFailed  = "failed"
)

// Progress is one step of one module. Detail is short and never holds a
// secret; Fraction is the module's overall progress, 0–1.
type Progress struct {
	Port     string
	Stage    string
	State    string
	Detail   string
	Fraction float64
	// IMEI and DeviceID as soon as the module and identity stages know
	// them, so a tray's rows fill in while it runs.
	IMEI, DeviceID string
}

// Outcomes of one module.
const (
	// ResultOnline: the module said it is online and the cloud agreed.
	ResultOnline = "online"
	// ResultOnlineModuleOnly: the module said it is online; nothing on
	// the cloud side could be read to agree (no service rights).
	ResultOnlineModuleOnly = "online (module only)"
	ResultFailed           = "failed"
)

// Cloud-side confirmations of a module being online.
const (
	ConfirmTwin       = "twin reported properties"
	ConfirmHeartbeat  = "heartbeat telemetry"
	ConfirmConnection = "device connection state"
	ConfirmNone       = "none"
)

// Auth modes written to the module.
const (
	AuthKey   = "key"
	AuthToken = "token"
)

// Result is how one module's setup ended. Error and Advice are constant
// English phrases (translation keys); Detail holds the dynamic values.
type Result struct {
	Port     string    `json:"port"`
	IMEI     string    `json:"imei"`
	ICCID    string    `json:"iccid"`
	Model    string    `json:"model"`
	DeviceID string    `json:"deviceId"`
	Hub      string    `json:"hub"`
	AuthMode string    `json:"auth"`
	Result   string    `json:"result"`
	Stage    string    `json:"stage"` // the failing stage; "" when online
	Error    string    `json:"error"`
	Advice   string    `json:"advice,omitempty"`
	Detail   string    `json:"detail,omitempty"`
	Started  time.Time `json:"started"`
	Finished time.Time `json:"finished"`

	// Confirmation says what the cloud side showed (Confirm…).
	Confirmation string `json:"confirmation,omitempty"`
	// CheckOverridden holds the module check's first problem when
	// Plan.OverrideCheck let the setup go on regardless.
	CheckOverridden string `json:"checkOverridden,omitempty"`
	// TokenExpires is set when a token was written instead of the key.
	TokenExpires time.Time `json:"tokenExpires,omitzero"`
	// Warnings are constant English phrases, e.g. a long token lifetime.
	Warnings []string `json:"warnings,omitempty"`
	// BackedUp is true when the module's own main.py was saved to
	// BackupPath before the launcher replaced it.
	BackedUp bool `json:"backedUp,omitempty"`
}

// Online reports whether the module ended online, confirmed or not.
func (r Result) Online() bool {
	return r.Result == ResultOnline || r.Result == ResultOnlineModuleOnly
}
