package hubclient

import (
	"errors"
	"io"
	"net"
	"strconv"
	"syscall"

	"qpyhub/cloud/internal/connfail"
)

// Reasons carried by errors and connection events. They are constant
// English phrases that a user interface translates; the values they are
// about travel in separate fields.
const (
	ReasonNoIdentity     = "needs a hub host and a device id"
	ReasonNoSecret       = "needs a device key or a SAS token"
	ReasonNotPositive    = "must be longer than zero"
	ReasonKeepAliveRange = "must be between 1 s and 1177 s"
	ReasonBadServer      = "is not host:port or an ssl:// or wss:// URL"
	ReasonCAUnreadable   = "cannot be read"
	ReasonCANoCert       = "holds no PEM certificate"

	ReasonNotAuthorized  = "not authorized: the key or token is wrong, expired, or for another device"
	ReasonUntrusted      = "the server's certificate is not trusted: check the CA file or the hub host name"
	ReasonTLSFailed      = "the TLS handshake failed: check the hub host name and port"
	ReasonUnreachable    = "cannot reach the hub: check network/proxy, or try WebSockets (443)"
	ReasonUnavailable    = "the hub is unavailable: try again later"
	ReasonRefused        = "the hub refused the connection: check the device id and the hub host name"
	ReasonTokenExpired   = "token expired: paste a new token or use the device key"
	ReasonTokenExpiring  = "the token expires soon: paste a new token or use the device key"
	ReasonClosedByHub    = "the hub closed the connection: another client may have connected with this device id, or the hub restarted"
	ReasonDisplaced      = "another program or module is connected as this device; close it, or use another device id"
	ReasonConnectionLost = "the connection was lost: reconnecting"
	ReasonRenewing       = "renewing the token"
	ReasonClosed         = "closed by the user"
	ReasonSubscribe      = "the hub refused a subscription: check that the identity is a device, not a module"

	// A twin request's status, worded as the registry client words the
	// same answers.
	ReasonStatusThrottled = "the hub is throttling requests: wait a minute and try again"
	ReasonStatusFailed    = "the hub had an internal error: try again later"
	ReasonStatusBadBody   = "the hub rejected the request body: check the JSON"
	ReasonStatusRefused   = "the hub rejected the request"
)

// Reasons lists every reason this package's errors and events carry, so a
// user interface can check that it translates them all.
func Reasons() []string {
	return []string{
		ReasonNoIdentity, ReasonNoSecret, ReasonNotPositive, ReasonKeepAliveRange,
		ReasonBadServer, ReasonCAUnreadable, ReasonCANoCert,
		ReasonNotAuthorized, ReasonUntrusted, ReasonTLSFailed, ReasonUnreachable,
		ReasonUnavailable, ReasonRefused, ReasonTokenExpired, ReasonTokenExpiring,
		ReasonClosedByHub, ReasonDisplaced, ReasonConnectionLost, ReasonRenewing, ReasonClosed,
		ReasonSubscribe,
		ReasonStatusThrottled, ReasonStatusFailed, ReasonStatusBadBody, ReasonStatusRefused,
		ReasonProxyNeedsWebSocket, ReasonProxyBadURL, ReasonProxyUnreachable, ReasonProxyTLS,
		ReasonProxyAuth, ReasonProxyRefused, ReasonProxyBroken,
	}
}

// ConnectError says why a connection attempt failed, with advice in Reason.
// Addr is where the session dialed; Err is the underlying cause, which never
// holds a secret.
type ConnectError struct {
	Reason string
	Addr   string
	Err    error
}

func (e *ConnectError) Error() string {
	s := e.Reason + " [" + e.Addr + "]"
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

// StatusError is a hub answer outside 2xx to a twin request or a method
// answer the hub refused.
type StatusError struct {
	Op     string // "twin get" or "twin patch"
	Status int
}

func (e *StatusError) Error() string {
	return "hubclient: " + e.Op + " answered with status " + strconv.Itoa(e.Status) + ": " + e.Phrase()
}

// Phrase says what the status means and the next step, in one constant
// phrase; the status itself stays in the field.
func (e *StatusError) Phrase() string {
	switch {
	case e.Status == 429:
		return ReasonStatusThrottled
	case e.Status >= 500:
		return ReasonStatusFailed
	case e.Status == 400:
		return ReasonStatusBadBody
	}
	return ReasonStatusRefused
}

// Advice is "": the phrase names the next step.
func (e *StatusError) Advice() string { return "" }

// ErrClosed is returned by calls on a session that was closed.
var ErrClosed = errors.New("hubclient: the session is closed")

// EndedError is returned by calls on a session that ended by itself
// (displaced by another connection, its pasted token expired). Reason is
// the final state's; errors.Is(err, ErrClosed) holds too.
type EndedError struct {
	Reason string
}

func (e *EndedError) Error() string { return "hubclient: the session ended: " + e.Reason }

func (e *EndedError) Is(target error) bool { return target == ErrClosed }

// Phrase is the final state's reason.
func (e *EndedError) Phrase() string { return e.Reason }

// Advice is "": the reason names the next step.
func (e *EndedError) Advice() string { return "" }

// connectReasons words each kind of failed connection for this service.
var connectReasons = connfail.Wording{
	connfail.Unreachable:   ReasonUnreachable,
	connfail.NotAuthorized: ReasonNotAuthorized,
	connfail.Unavailable:   ReasonUnavailable,
	connfail.Refused:       ReasonRefused,
	connfail.Untrusted:     ReasonUntrusted,
	connfail.TLSFailed:     ReasonTLSFailed,
}

// lostReason explains a dropped connection. A clean close by the server
// (EOF or reset) is how the hub drops a connection that another client
// with the same id replaced, or whose token ran out.
func lostReason(err error) string {
	if errors.Is(err, io.EOF) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, net.ErrClosed) {
		return ReasonClosedByHub
	}
	return ReasonConnectionLost
}
