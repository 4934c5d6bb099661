package hubclient

import (
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"syscall"
	"testing"

	"github.com/eclipse/paho.mqtt.golang/packets"

	"qpyhub/cloud/internal/connfail"
)

// Each kind of failed connection gets this service's own words.
func TestConnectReasons(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"connack 5", packets.ErrorRefusedNotAuthorised, ReasonNotAuthorized},
		{"connack 4", packets.ErrorRefusedBadUsernameOrPassword, ReasonNotAuthorized},
		{"connack 3", packets.ErrorRefusedServerUnavailable, ReasonUnavailable},
		{"connack 2", packets.ErrorRefusedIDRejected, ReasonRefused},
		{"unknown CA", fmt.Errorf("%w : %w", packets.ErrorNetworkError, x509.UnknownAuthorityError{}), ReasonUntrusted},
		{"wrong host", fmt.Errorf("%w : %w", packets.ErrorNetworkError, x509.HostnameError{Host: "x", Certificate: &x509.Certificate{}}), ReasonUntrusted},
		{"refused port", fmt.Errorf("%w : %w", packets.ErrorNetworkError, &net.OpError{Op: "dial", Err: syscall.ECONNREFUSED}), ReasonUnreachable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			reason, cause := connfail.Reason(tt.err, connectReasons)
			if reason != tt.want || !errors.Is(cause, tt.err) {
				t.Errorf("Reason(%v) = %q, %v; want %q with the cause", tt.err, reason, cause, tt.want)
			}
		})
	}
}

func TestLostReason(t *testing.T) {
	tests := []struct {
		err  error
		want string
	}{
		{io.EOF, ReasonClosedByHub},
		{fmt.Errorf("read: %w", syscall.ECONNRESET), ReasonClosedByHub},
		{errors.New("pingresp not received, disconnecting"), ReasonConnectionLost},
	}
	for _, tt := range tests {
		if got := lostReason(tt.err); got != tt.want {
			t.Errorf("lostReason(%v) = %q, want %q", tt.err, got, tt.want)
		}
	}
}
