// Package connfail sorts the ways an MQTT connection attempt fails (what
// paho, TLS and the network report) into kinds, for the device session
// (cloud/hubclient) and DPS (cloud/dps), which each word the advice for
// their own service. It imports neither.
package connfail

import (
	"crypto/tls"
	"crypto/x509"
	"errors"

	"github.com/eclipse/paho.mqtt.golang/packets"
)

// Kind is what went wrong, as far as the next step of a technician goes.
type Kind int

const (
	Unreachable   Kind = iota // dial errors, refused ports, failed WebSocket upgrades
	NotAuthorized             // CONNACK 4 or 5: key, token or identity wrong
	Unavailable               // CONNACK 3
	Refused                   // CONNACK 1 or 2: protocol version or client id
	Untrusted                 // the server's certificate did not verify
	TLSFailed                 // no TLS on the other end, or a broken handshake
)

// Classify tells the kind of a failed connection attempt.
func Classify(err error) Kind {
	var unknownCA x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	var certInvalid x509.CertificateInvalidError
	var verifyErr *tls.CertificateVerificationError
	var tlsRecord tls.RecordHeaderError
	switch {
	case errors.Is(err, packets.ErrorRefusedNotAuthorised), errors.Is(err, packets.ErrorRefusedBadUsernameOrPassword):
		return NotAuthorized
	case errors.Is(err, packets.ErrorRefusedServerUnavailable):
		return Unavailable
	case errors.Is(err, packets.ErrorRefusedIDRejected), errors.Is(err, packets.ErrorRefusedBadProtocolVersion):
		return Refused
	case errors.As(err, &unknownCA), errors.As(err, &hostErr), errors.As(err, &certInvalid), errors.As(err, &verifyErr):
		return Untrusted
	case errors.As(err, &tlsRecord):
		return TLSFailed
	}
	return Unreachable
}
