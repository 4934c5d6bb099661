package provision

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

// Outcomes of one module (Result.Result): nothing else, so a
// production line can compare them.
const (
	ResultOnline = "online"
	ResultFailed = "failed"
)

// Who confirmed an online module (Result.Confirmed).
const (
	// ConfirmedCloud: the hub showed the module (Result.Confirmation
	// says how).
	ConfirmedCloud = "cloud"
	// ConfirmedModule: only the module's status lines said so; the PC
	// had no policy that could read the hub.
	ConfirmedModule = "module"
)

// Cloud-side evidence of a module being online (Result.Confirmation).
const (
	ConfirmTwin       = "twin reported properties"
	ConfirmHeartbeat  = "heartbeat telemetry"
	ConfirmConnection = "device connection state"
	// confirmNone: the policy may read none of them.
	confirmNone = "none"
)

// How the module's TLS connection went (Result.TLS), as its status line
// said: verified when it checked the server's certificate against the
// CA in its config, unverified when its firmware's ussl could not take
// the CA and it encrypted without checking.
const (
	TLSVerified   = "verified"
	TLSUnverified = "unverified"
)

// What the technician reads about a result, in the window and on the
// command line alike.
const (
	NoteConfirmedByModule = "only the module said it is online: the identity gives no right to read the twin or the telemetry, so nothing on the cloud side could confirm it"
	NoteTLSVerified       = "TLS verified: the module checked the server's certificate"
	NoteTLSUnverified     = "TLS unverified: the module encrypts but does not check the server's certificate; firmware whose ussl accepts a CA (newer QuecPython releases) fixes it"
)

// TLSNote is the sentence for a Result's TLS, "" when the module never
// said.
func TLSNote(tls string) string {
	switch tls {
	case TLSVerified:
		return NoteTLSVerified
	case TLSUnverified:
		return NoteTLSUnverified
	}
	return ""
}

// What the module runs after the setup (Result.Runs).
const (
	// RunsOwnMain: the module's own /usr/main.py, untouched (Plan.KeepMain).
	RunsOwnMain = "own-main"
	// RunsCheckProgram: qpyhub's check program, started by the launcher
	// the setup wrote as main.py.
	RunsCheckProgram = "check-program"
)

// What the technician reads about Result.Runs.
const (
	NoteRunsOwnMain      = "the module runs its own main.py"
	NoteRunsCheckProgram = "the module runs qpyhub's check program"
)

// RunsNote is the sentence for a Result's Runs, "" when the setup left
// main.py as it found it.
func RunsNote(runs string) string {
	switch runs {
	case RunsOwnMain:
		return NoteRunsOwnMain
	case RunsCheckProgram:
		return NoteRunsCheckProgram
	}
	return ""
}

// Auth modes written to the module.
const (
	AuthKey   = "key"
	AuthToken = "token"
)

// Result is how one module's setup ended. Error and Advice are constant
// English phrases (translation keys); Detail holds the dynamic values.
type Result struct {
	Port     string `json:"port"`
	IMEI     string `json:"imei"`
	ICCID    string `json:"iccid"`
	Model    string `json:"model"`
	DeviceID string `json:"deviceId"`
	Hub      string `json:"hub"`
	AuthMode string `json:"auth"`
	Result   string `json:"result"` // ResultOnline or ResultFailed
	// Confirmed is ConfirmedCloud or ConfirmedModule once online, else "".
	Confirmed string `json:"confirmed"`
	// TLS is TLSVerified or TLSUnverified from the module's status line,
	// "" when it never connected; TLSReason is the module's reason for
	// an unverified connection.
	TLS       string    `json:"tls"`
	TLSReason string    `json:"tlsReason,omitempty"`
	Stage     string    `json:"stage"` // the failing stage; "" when online
	Error     string    `json:"error"`
	Advice    string    `json:"advice,omitempty"`
	Detail    string    `json:"detail,omitempty"`
	Started   time.Time `json:"started"`
	Finished  time.Time `json:"finished"`

	// Confirmation says what the cloud side showed (Confirm…) when
	// Confirmed is ConfirmedCloud.
	Confirmation string `json:"confirmation,omitempty"`
	// CheckOverridden holds the module check's first problem when
	// Plan.OverrideCheck let the setup go on regardless.
	CheckOverridden string `json:"checkOverridden,omitempty"`
	// TokenExpires is set when a token was written instead of the key.
	TokenExpires time.Time `json:"tokenExpires,omitzero"`
	// Warnings are constant English phrases, e.g. a long token lifetime.
	Warnings []string `json:"warnings,omitempty"`
	// BackedUp is true when the module's own main.py was saved to
	// moduleapp.BackupPath before the launcher replaced it.
	BackedUp bool `json:"backedUp,omitempty"`
	// Runs is what the module runs at boot after the setup: RunsOwnMain
	// with Plan.KeepMain (always: its main.py is never touched), else
	// RunsCheckProgram once the launcher is written, and "" when the
	// setup failed before that and left main.py as it was.
	Runs string `json:"runs"`
}

// Online reports whether the module ended online, whoever confirmed it.
func (r Result) Online() bool { return r.Result == ResultOnline }
