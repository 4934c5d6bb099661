package connfail

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"testing"

	"github.com/eclipse/paho.mqtt.golang/packets"
)

func TestClassify(t *testing.T) {
	tests := []struct {
		err  error
		want Kind
	}{
		{packets.ErrorRefusedNotAuthorised, NotAuthorized},
		{fmt.Errorf("connect: %w", packets.ErrorRefusedBadUsernameOrPassword), NotAuthorized},
		{packets.ErrorRefusedServerUnavailable, Unavailable},
		{packets.ErrorRefusedIDRejected, Refused},
		{packets.ErrorRefusedBadProtocolVersion, Refused},
		{fmt.Errorf("tls: %w", x509.UnknownAuthorityError{}), Untrusted},
		{x509.HostnameError{Certificate: &x509.Certificate{}, Host: "h"}, Untrusted},
		{&tls.CertificateVerificationError{Err: errors.New("bad")}, Untrusted},
		{tls.RecordHeaderError{Msg: "first record does not look like a TLS handshake"}, TLSFailed},
		{&net.OpError{Op: "dial", Err: errors.New("connection refused")}, Unreachable},
	}
	for _, tc := range tests {
		if got := Classify(tc.err); got != tc.want {
			t.Errorf("Classify(%v) = %d, want %d", tc.err, got, tc.want)
		}
	}
}
