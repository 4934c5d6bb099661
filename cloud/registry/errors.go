package registry

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net/http"
	"regexp"
	"strconv"
	"unicode/utf8"
)

// Kinds of failure a caller branches on with errors.Is. Their texts are
// constant English phrases that name the cause and the next step.
var (
	ErrDeviceExists   = errors.New("the device already exists in the hub: reuse it, or choose another device id")
	ErrDeviceNotFound = errors.New("the device is not registered in the hub: check the device id")
	ErrKeyRefused     = errors.New("the hub refused the policy key: check the key and the policy name (copy the policy's primary connection string again), and this PC's clock")
	ErrNoRights       = errors.New("the policy has no right to do this in the registry: use registryReadWrite or iothubowner")
	ErrHubRefused     = errors.New("the hub refused the request: its daily quota may be used up or the hub suspended; see the hub's message")
	ErrUnreachable    = errors.New("cannot reach the hub: check the host name, the network or the proxy")
	ErrUntrusted      = errors.New("the hub's certificate is not trusted: check the CA file or the hub host name")
	ErrTimeout        = errors.New("the hub did not answer in time: check the network and try again")
	ErrThrottled      = errors.New("the hub is throttling requests: wait a minute and try again")
	ErrHubFailure     = errors.New("the hub had an internal error: try again later")
	ErrRejected       = errors.New("the hub rejected the request")
)

// Reasons a *cloud.FieldError from New can carry, as constant English
// phrases. Its Field names the input ("hub connection string",
// "BaseURL"), never the value: the value may hold a key.
const (
	ReasonUnreadable   = "cannot be read: paste the policy's primary connection string"
	ReasonDeviceString = "is a device connection string: use a hub policy string (Shared access policies → registryReadWrite or iothubowner)"
	ReasonNoPolicyKey  = "has no SharedAccessKey: copy the policy's primary connection string"
	ReasonBadBaseURL   = "is not an https:// URL"
)

// Reasons lists every phrase this package's errors carry (the Err… texts
// and the field reasons), so a user interface can check that it
// translates them all.
func Reasons() []string {
	return []string{
		ErrDeviceExists.Error(), ErrDeviceNotFound.Error(), ErrNoRights.Error(), ErrKeyRefused.Error(), ErrHubRefused.Error(),
		ErrUnreachable.Error(), ErrUntrusted.Error(), ErrTimeout.Error(),
		ErrThrottled.Error(), ErrHubFailure.Error(), ErrRejected.Error(),
		ReasonUnreadable, ReasonDeviceString, ReasonNoPolicyKey, ReasonBadBaseURL,
		ErrBadQuery.Error(), ErrDeviceOffline.Error(), ErrMethodTimeout.Error(), ErrJobNotFound.Error(), ErrJobExists.Error(),
		ErrNoFileHosting.Error(),
	}
}

// RequestError is a registry call that failed: which call, for which
// device, on which hub, the kind of failure (one of the Err… values), and
// what the hub or the network said.
type RequestError struct {
	Op       string // "create device", "get device", "delete device"
	DeviceID string
	Host     string
	Kind     error  // ErrDeviceExists, ErrKeyRefused, ErrNoRights, ErrUnreachable, …
	Status   int    // HTTP status; 0 when no answer came
	Code     int    // the hub's errorCode, 0 when it sent none
	Message  string // the hub's message, trimmed; "" when no answer came
	Err      error  // the network error behind ErrUnreachable and the like
}

func (e *RequestError) Error() string {
	s := "registry: " + e.Op + " "
	if e.DeviceID != "" {
		s += strconv.Quote(e.DeviceID) + " "
	}
	s += "on " + e.Host + ": " + e.Kind.Error()
	if e.Status != 0 {
		s += " (HTTP " + strconv.Itoa(e.Status)
		if e.Code != 0 {
			s += ", error " + strconv.Itoa(e.Code)
		}
		s += ")"
	}
	if e.Message != "" {
		s += ": " + e.Message
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Phrase is the kind of failure, a constant phrase with the next step.
func (e *RequestError) Phrase() string { return e.Kind.Error() }

// Advice is "": every kind names its next step.
func (e *RequestError) Advice() string { return "" }

// Unwrap lets errors.Is match both the kind and the network cause.
func (e *RequestError) Unwrap() []error {
	if e.Err == nil {
		return []error{e.Kind}
	}
	return []error{e.Kind, e.Err}
}

// kindOfAnswer maps a hub answer outside 2xx, and the message it came
// with, to a kind of failure.
func kindOfAnswer(status int, msg string) error {
	switch {
	case (status == http.StatusUnauthorized || status == http.StatusForbidden) && lacksRight(msg):
		return ErrNoRights
	case status == http.StatusUnauthorized:
		return ErrKeyRefused
	case status == http.StatusForbidden:
		return ErrHubRefused
	case status == http.StatusNotFound:
		return ErrDeviceNotFound
	case status == http.StatusConflict:
		return ErrDeviceExists
	case status == http.StatusTooManyRequests:
		return ErrThrottled
	case status >= 500:
		return ErrHubFailure
	}
	return ErrRejected
}

// rightMissing matches the messages that say the caller was recognised
// but may not make this call. IoT Hub answers 401 for that too, and for a
// token it cannot verify says only "Unauthorized" (it never tells which
// of key, policy name or expiry was wrong): "Authorization rule 'x' does
// not allow access for 'y'" (shared access policy), "Principal p is not
// authorized for GET on /z" (Azure role), "policy "x" lacks the … right"
// (the local hub).
var rightMissing = regexp.MustCompile(`(?i)does not allow access|is not authorized for|lacks the \w+ right`)

func lacksRight(msg string) bool { return rightMissing.MatchString(msg) }

// kindOfTransport maps a failure to get any answer to a kind of failure.
func kindOfTransport(err error) error {
	var unknownCA x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	var certInvalid x509.CertificateInvalidError
	var verifyErr *tls.CertificateVerificationError
	switch {
	case errors.As(err, &unknownCA), errors.As(err, &hostErr), errors.As(err, &certInvalid), errors.As(err, &verifyErr):
		return ErrUntrusted
	}
	return ErrUnreachable
}

// maxMessage caps the hub's message kept in an error; IoT Hub's are a
// sentence or two.
const maxMessage = 400

// sigValue finds a token signature, in case a message ever echoes one.
var sigValue = regexp.MustCompile(`(?i)(sig=)[^&\s"]*`)

// cleanMessage masks anything that looks like a signature and trims the
// message to a readable length.
func cleanMessage(msg string) string {
	msg = sigValue.ReplaceAllString(msg, "${1}****")
	if len(msg) > maxMessage {
		cut := maxMessage
		for cut > 0 && !utf8.RuneStart(msg[cut]) {
			cut--
		}
		msg = msg[:cut] + "…"
	}
	return msg
}
