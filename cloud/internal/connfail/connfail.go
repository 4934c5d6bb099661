// Package connfail is what the device session (cloud/hubclient) and DPS
// (cloud/dps) share about a paho connection attempt and the requests on
// it: waiting on paho's tokens, and sorting why an attempt failed (what
// paho, a proxy, TLS and the network report) into kinds that each
// service words for itself. It imports neither.
package connfail

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"

	mqtt "github.com/eclipse/paho.mqtt.golang"
	"github.com/eclipse/paho.mqtt.golang/packets"

	"qpyhub/cloud/internal/wsdial"
)

// Wait waits for a paho token and returns its error, or ctx's error when
// ctx ends first: paho's own waits have no context.
func Wait(ctx context.Context, tok mqtt.Token) error {
	select {
	case <-tok.Done():
		return tok.Error()
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Wording is one service's reason for each Kind: constant English
// phrases that name the cause and the next step.
type Wording map[Kind]string

// Reason says why a connection attempt failed, in w's words, and which
// error is behind it. A tunnel that a proxy would not open is told in the
// proxy's own reason, with the *wsdial.ProxyError as the cause: the
// service was never reached, so its wording would mislead.
func Reason(err error, w Wording) (reason string, cause error) {
	var pe *wsdial.ProxyError
	if errors.As(err, &pe) {
		return pe.Reason, pe
	}
	return w[Classify(err)], err
}

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
