package provision

import (
	"errors"
	"strings"

	"qpyhub/device/moduleapp"
)

// StageError is one stage's failure: the cause and the next step as
// constant English phrases, the dynamic values apart.
type StageError struct {
	Stage    string
	Message  string // the cause
	NextStep string // may be empty when Message says it
	Detail   string // dynamic values; never a secret
	Err      error  // the underlying error, for errors.Is/As
}

func (e *StageError) Error() string {
	s := e.Stage + ": " + e.Message
	if e.Detail != "" {
		s += " (" + e.Detail + ")"
	}
	if e.NextStep != "" {
		s += "; " + e.NextStep
	}
	return s
}

func (e *StageError) Unwrap() error { return e.Err }

// Phrase is the cause, a constant English sentence.
func (e *StageError) Phrase() string { return e.Message }

// Advice is the next step, a constant English sentence.
func (e *StageError) Advice() string { return e.NextStep }

// fail builds a *StageError.
func fail(stage, phrase, advice, detail string, err error) *StageError {
	return &StageError{Stage: stage, Message: phrase, NextStep: advice, Detail: detail, Err: err}
}

// phraser is the first half of the error contract: an error with a
// constant English sentence (repl, modfs, probe, the cloud clients).
type phraser interface{ Phrase() string }

// describe splits err into a constant phrase and a dynamic detail: a
// typed error's own phrase when it has one, else fallback with the error
// text as detail.
func describe(err error, fallback string) (phrase, detail string) {
	var p phraser
	if errors.As(err, &p) {
		return p.Phrase(), strings.TrimPrefix(strings.TrimPrefix(err.Error(), p.Phrase()), " ")
	}
	return fallback, err.Error()
}

// Stage failure phrases and advice, constant English for translation.
const (
	PhraseOpen           = "the module's port could not be opened"
	PhraseCheckFailed    = "the module check could not run"
	PhraseNotReady       = "the module is not ready for the cloud"
	AdviceOverride       = "fix the problem, or run again with the check overridden"
	PhraseTemplate       = "the id template cannot be filled for this module"
	AdviceTemplate       = "change the template, or fix what the module reports"
	PhraseDeviceExists   = "a device with this id already exists in the hub"
	AdviceDeviceExists   = "reuse the existing device, delete it, or choose another device id template"
	PhraseNoWriteRights  = "the hub policy has no registry write rights"
	AdviceNoWriteRights  = "use the connection string of the registryReadWrite or iothubowner policy"
	PhraseRegistry       = "the hub's registry could not be reached"
	AdviceRegistry       = "check the hub connection string, the network and the hub name, then try again"
	PhraseDPSRefused     = "DPS refused the registration"
	AdviceDPSRefused     = "check that the enrollment group is enabled, the ID scope and the group key"
	PhraseDPSUnreachable = "DPS could not be reached"
	AdviceDPSUnreachable = "check the ID scope, the network and the DPS host, then try again; behind a proxy, leave out the check from this PC (the module registers over its own cellular link)"
	PhraseBadKey         = "the key cannot be used"
	AdviceBadKey         = "copy the key or connection string again from the Azure portal"
	PhraseWrite          = "writing the program to the module failed"
	AdviceWrite          = "check the USB cable, then run the setup again: the module's old main.py is kept until the last step"
	PhraseReset          = "the module did not restart"
	AdviceReset          = "press the module's reset key or power-cycle it, then run the setup again"
	PhraseModuleFailed   = "the program on the module reported a failure"
	// The module's ussl checked the server against the config's CA and
	// refused it.
	PhraseModuleCertificate = "the module refused the server's certificate"
	AdviceModuleCertificate = "the module trusts only the CA in its config: toward Azure the DigiCert Global Root G2 and Microsoft RSA Root CA 2017; for a local hub give that hub's CA (--ca, or the Local hub option), then run the setup again"
	PhraseVerifyTimeout     = "the module did not come online in time"
	AdviceVerifyTimeout     = "watch the module's output in the terminal, check the network and the hub, or allow a longer verify timeout"
	PhraseCloudDisagrees    = "the module says it is online, but the hub shows nothing from it"
	AdviceCloudDisagrees    = "check that the hub and device id match the hub you look at, then run the setup again"
	PhraseRecord            = "the record could not be written"
	AdviceRecord            = "check that the record file's folder exists and is writable"
	PhraseCanceled          = "the setup was cancelled"
	AdviceCanceled          = "run the setup again for this module"
	PhraseNoBackup          = "there is no backup of main.py on the module"
	AdviceNoBackup          = "nothing to restore: the module's main.py was not replaced by a setup, or the backup was removed"
	// Plan.KeepMain finds qpyhub's launcher where the module's own
	// main.py should be.
	PhraseMainIsLauncher = "the module's main.py is qpyhub's launcher from an earlier setup: there is no application of its own to keep"
	AdviceMainIsLauncher = "undo the earlier setup first (Undo a setup, or qpyhub setup --restore), or let the module run qpyhub's check program"
	// The library raised while the setup proved the identity from the REPL.
	PhraseLibraryRaised = "the library raised an error on the module"
	AdviceLibraryRaised = "watch the module's output in the terminal: the library may need more room in /usr or newer firmware"
	// Plan.KeepMain on a module without a main.py: nothing starts at boot.
	WarningNoMain         = "the module has no main.py: after the restart nothing starts until your application is written as /usr/main.py"
	WarningLongToken      = "the token lives longer than 30 days: if it leaks it stays valid until it expires or the device key is rolled"
	WarningConfigReadable = "the module's file system has no file permissions: anyone with the USB cable can read the key in " + moduleapp.ConfigPath
)

// Module failure advice by the stage the program named in its fail line.
var moduleAdvice = map[string]string{
	"config":    "run the setup again: the configuration on the module is damaged",
	"network":   "check the SIM card, the antenna and the data call (run the module check)",
	"time":      "the module's clock could not be set: check the network, then try again",
	"sas":       "the key on the module is not usable: run the setup again",
	"dps":       "check the ID scope, that the enrollment group is enabled, and the group key",
	"mqtt":      "check the hub name, that the device exists and is enabled, and the credentials",
	"twin":      "the hub refused the twin update: check the device's state in the hub",
	"heartbeat": "the hub refused the telemetry: check the device's state in the hub",
}

// adviceForModuleStage is the next step after a `QPYHUB <stage> fail`.
func adviceForModuleStage(stage string) string {
	if a, ok := moduleAdvice[stage]; ok {
		return a
	}
	return "watch the module's output in the terminal for the reason"
}

// Phrases lists every constant English sentence this package can put in
// a Result, a Progress or an error, so the application can check that
// each one is translated.
func Phrases() []string {
	out := []string{
		ReasonNoMode, ReasonMissing, ReasonOneDevice, ReasonNotDevice, ReasonNotPolicy, ReasonBadConnString,
		ReasonBadKey, ReasonTokenNeedsHub, ReasonTokenOnly, ReasonNegative, ReasonRecordExtension, ReasonNoPorts,
		ReasonDuplicatePort, ReasonUnknownPlaceholder, ReasonUnclosed, ReasonNoValue, ReasonBadIDChars,
		PhraseOpen, PhraseCheckFailed, PhraseNotReady, AdviceOverride, PhraseTemplate, AdviceTemplate,
		PhraseDeviceExists, AdviceDeviceExists, PhraseNoWriteRights, AdviceNoWriteRights, PhraseRegistry,
		AdviceRegistry, PhraseDPSRefused, AdviceDPSRefused, PhraseDPSUnreachable, AdviceDPSUnreachable,
		PhraseBadKey, AdviceBadKey, PhraseWrite, AdviceWrite, PhraseReset, AdviceReset, PhraseModuleFailed,
		PhraseModuleCertificate, AdviceModuleCertificate, PhraseVerifyTimeout, AdviceVerifyTimeout, PhraseCloudDisagrees, AdviceCloudDisagrees, PhraseRecord,
		AdviceRecord, PhraseCanceled, AdviceCanceled, PhraseNoBackup, AdviceNoBackup, WarningLongToken,
		WarningConfigReadable, adviceForModuleStage(""), PhraseDeviceDisabled, AdviceDeviceDisabled,
		ResultOnline, ResultFailed, ConfirmTwin, ConfirmHeartbeat, ConfirmConnection,
		NoteConfirmedByModule, NoteTLSVerified, NoteTLSUnverified, PhraseRecordColumns, AdviceRecordColumns,
		PhraseMainIsLauncher, AdviceMainIsLauncher, PhraseLibraryRaised, AdviceLibraryRaised, WarningNoMain,
		NoteProving, NoteRunsOwnMain, NoteRunsCheckProgram,
	}
	for _, a := range moduleAdvice {
		out = append(out, a)
	}
	return out
}
