package dps

import (
	"errors"
	"strconv"

	"qpyhub/cloud/internal/connfail"
	"qpyhub/cloud/internal/wsdial"
)

// Reasons carried by this package's errors: constant English phrases that
// name the cause and the next step, for a user interface to translate.
const (
	ReasonBadServer           = "is not host:port or an ssl:// or wss:// URL"
	ReasonRetryRange          = "must not be shorter than MinRetry"
	ReasonProxyNeedsWebSocket = "a proxy works only with MQTT over WebSockets (443)"

	ReasonNotAuthorized  = "not authorized: check the ID scope, the registration id and the key (for a group, the key derived from the group key)"
	ReasonUntrusted      = "the provisioning service's certificate is not trusted: check the CA file or the host name"
	ReasonTLSFailed      = "the TLS handshake failed: check the provisioning host name and port"
	ReasonUnreachable    = "cannot reach the provisioning service: check network/proxy, or try WebSockets (443)"
	ReasonUnavailable    = "the provisioning service is unavailable: try again later"
	ReasonRefused        = "the provisioning service refused the connection: check the registration id"
	ReasonSubscribe      = "the provisioning service refused the response subscription: try again"
	ReasonConnectionLost = "the connection to the provisioning service was lost: try again"
	ReasonNoAnswer       = "the provisioning service did not answer in time: try again"

	ReasonDisabled      = "the enrollment is disabled: enable it in the provisioning service"
	ReasonFailed        = "the provisioning service could not assign the device: check the enrollment's allocation and linked hubs"
	ReasonRejected      = "the provisioning service rejected the request"
	ReasonUnknownOp     = "the provisioning service lost the operation: register again"
	ReasonThrottled     = "the provisioning service is throttling requests: wait a minute and try again"
	ReasonServiceFailed = "the provisioning service had an internal error: try again later"
	ReasonBadAnswer     = "the provisioning service sent an answer this tool cannot read"
)

// Reasons lists every reason this package's errors carry, so a user
// interface can check that it translates them all.
func Reasons() []string {
	return append([]string{
		ReasonBadServer, ReasonRetryRange,
		ReasonNotAuthorized, ReasonUntrusted, ReasonTLSFailed, ReasonUnreachable,
		ReasonUnavailable, ReasonRefused, ReasonSubscribe, ReasonConnectionLost, ReasonNoAnswer,
		ReasonDisabled, ReasonFailed, ReasonRejected, ReasonUnknownOp, ReasonThrottled,
		ReasonServiceFailed, ReasonBadAnswer, ReasonProxyNeedsWebSocket,
	}, wsdial.Reasons()...) // a ConnectError through a proxy carries the proxy's reason
}

// ErrNotAuthorized matches a *ConnectError whose Reason is
// ReasonNotAuthorized, for callers that branch with errors.Is.
var ErrNotAuthorized = errors.New("dps: " + ReasonNotAuthorized)

// ConnectError says why the device could not talk to DPS at all. Addr is
// where it dialed; Err is the underlying cause, which never holds a secret.
type ConnectError struct {
	Reason string
	Addr   string
	Err    error
}

func (e *ConnectError) Error() string {
	s := "dps: " + e.Reason + " [" + e.Addr + "]"
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *ConnectError) Unwrap() error { return e.Err }

// Phrase is the reason: the cause and the next step in one constant phrase.
func (e *ConnectError) Phrase() string { return e.Reason }

// Advice is "": the reason names the next step.
func (e *ConnectError) Advice() string { return "" }

// Is makes errors.Is(err, ErrNotAuthorized) work.
func (e *ConnectError) Is(target error) bool {
	return target == ErrNotAuthorized && e.Reason == ReasonNotAuthorized
}

// RegistrationError is DPS's final "no": the enrollment is disabled, the
// assignment failed, or a request was refused.
type RegistrationError struct {
	Status          int    // HTTP-style status of the answer (200 for a failed or disabled operation)
	ErrorCode       int    // DPS's error code, e.g. 401002; 0 when none was sent
	Message         string // DPS's own explanation
	OperationStatus string // "failed" or "disabled"; "" when a request was refused
	RegistrationID  string
	Reason          string // one of the Reason… phrases: cause and next step
}

func (e *RegistrationError) Error() string {
	s := "dps: registration " + strconv.Quote(e.RegistrationID) + ": " + e.Reason +
		" (status " + strconv.Itoa(e.Status)
	if e.ErrorCode != 0 {
		s += ", error " + strconv.Itoa(e.ErrorCode)
	}
	s += ")"
	if e.Message != "" {
		s += ": " + e.Message
	}
	return s
}

// Phrase is the reason, a constant phrase; DPS's own message stays in
// Message.
func (e *RegistrationError) Phrase() string { return e.Reason }

// Advice is "": every reason but ReasonRejected names the next step, and
// for that one DPS's message is the best guide.
func (e *RegistrationError) Advice() string { return "" }

// refusalReason explains a DPS answer outside 2xx.
func refusalReason(status int) string {
	switch {
	case status == 401, status == 403:
		return ReasonNotAuthorized
	case status == 404:
		return ReasonUnknownOp
	case status == 429:
		return ReasonThrottled
	case status >= 500:
		return ReasonServiceFailed
	}
	return ReasonRejected
}

// connectReasons words each kind of failed connection for this service.
var connectReasons = connfail.Wording{
	connfail.Unreachable:   ReasonUnreachable,
	connfail.NotAuthorized: ReasonNotAuthorized,
	connfail.Unavailable:   ReasonUnavailable,
	connfail.Refused:       ReasonRefused,
	connfail.Untrusted:     ReasonUntrusted,
	connfail.TLSFailed:     ReasonTLSFailed,
}
