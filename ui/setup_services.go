package ui

import (
	"context"
	"time"
)

// SetupRunner takes modules through the guided setup: module check,
// identity, credentials, writing the program, verifying it online, and the
// record. app adapts the widget-free pipeline in app/provision to it.
type SetupRunner interface {
	// Run sets up every port at once and returns one result per port once
	// all have finished. progress may be called from several goroutines;
	// cancelling ctx stops the modules still in progress (they end failed).
	Run(ctx context.Context, plan SetupPlan, ports []string, progress func(SetupProgress)) []SetupResult
}

// SetupIdentity is where a module's cloud identity comes from.
type SetupIdentity string

const (
	// SetupExistingDevice uses one device's connection string as is.
	SetupExistingDevice SetupIdentity = "existing"
	// SetupNewDevice creates the device in the hub's registry with a hub
	// policy connection string.
	SetupNewDevice SetupIdentity = "new"
	// SetupDPSGroup derives the device key from a DPS enrollment-group key;
	// the module registers through DPS itself.
	SetupDPSGroup SetupIdentity = "dps"
)

// SetupPlan is what the technician chose on the Setup screen. It holds
// secrets: never print it (String masks them, in case someone does).
type SetupPlan struct {
	Identity SetupIdentity

	DeviceConnectionString string // SetupExistingDevice; secret

	HubConnectionString string // SetupNewDevice: a registry-write policy; secret
	DeviceIDTemplate    string // "{model}-{imei}"
	ReuseExisting       bool   // take the device when it already exists

	IDScope                string // SetupDPSGroup
	GroupKey               string // secret
	RegistrationIDTemplate string // "{imei}"
	CheckEnrollment        bool   // register once from this PC before writing the module

	// CheckConnectionString (SetupExistingDevice, SetupDPSGroup; optional)
	// is a hub policy used only to confirm from the cloud side that the
	// module came online; secret.
	CheckConnectionString string

	// TokenTTL is zero when the key goes on the module and the module mints
	// its own tokens; otherwise a token valid this long is written instead.
	TokenTTL time.Duration
	// RecordFile receives one line per module (CSV, or JSON lines for
	// .jsonl); "" keeps no record.
	RecordFile string
	// OverrideCheck goes on even when the module check finds a problem;
	// the record says so.
	OverrideCheck bool
	// LocalHub points the modules at the app's own local hub (its address
	// and CA) instead of Azure.
	LocalHub bool
}

// String describes the plan without its secrets.
func (p SetupPlan) String() string {
	return "setup plan (" + string(p.Identity) + ", secrets hidden)"
}

// SetupProgress is one step of one module, as the pipeline reports it.
type SetupProgress struct {
	Port  string
	Stage string // one of the setupStage… ids, or the pipeline's own
	State string // SetupRunning, SetupStageOK or SetupFailed
	// Detail is a short line for the technician; it never holds a secret.
	Detail   string
	Fraction float64 // of the whole setup of this module, 0…1
	// IMEI and DeviceID, when the pipeline knows them already.
	IMEI, DeviceID string
}

// SetupResult is how one module's setup ended.
type SetupResult struct {
	Port, IMEI, ICCID, Model string
	DeviceID, Hub, AuthMode  string
	Result                   string // SetupOnline or SetupFailed
	Stage                    string // where it failed
	Error, Advice            string // constant English phrases, translated when shown
	Detail                   string // the dynamic values of the error; never a secret
	// Confirmed is SetupConfirmedCloud or SetupConfirmedModule once
	// online; Confirmation says what the cloud side showed of the module,
	// ConfirmedNote (a constant phrase) why only the module confirmed it.
	Confirmed, Confirmation, ConfirmedNote string
	// TLS is SetupTLSVerified or SetupTLSUnverified as the module said,
	// "" when it never connected; TLSNote is the constant sentence that
	// explains it, TLSReason the module's own words.
	TLS, TLSNote, TLSReason string
	Started, Finished       time.Time
}

// Progress states and results.
const (
	SetupRunning = "running"
	SetupStageOK = "ok"
	SetupFailed  = "failed"
	SetupOnline  = "online"
)

// Who confirmed an online module, and its TLS (SetupResult).
const (
	SetupConfirmedCloud  = "cloud"
	SetupConfirmedModule = "module"
	SetupTLSVerified     = "verified"
	SetupTLSUnverified   = "unverified"
)

// Stage ids the screen names in the technician's language.
const (
	setupStageCheck       = "module"
	setupStageIdentity    = "identity"
	setupStageCredentials = "credentials"
	setupStageWrite       = "write"
	setupStageVerify      = "verify"
	setupStageRecord      = "record"
)

// SetupLocalHub is what the Setup screen needs from the local hub besides
// LocalHub: a policy that may create devices, for the demo path.
type SetupLocalHub interface {
	// PolicyConnectionString is a registry-write policy of the local hub;
	// it holds the policy key: show it masked.
	PolicyConnectionString() (string, error)
}
