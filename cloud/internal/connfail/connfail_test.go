package connfail

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"testing"
	"time"

	"github.com/eclipse/paho.mqtt.golang/packets"

	"qpyhub/cloud/internal/wsdial"
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

func TestReasonWordsEachKindAndPrefersTheProxy(t *testing.T) {
	w := Wording{Unreachable: "far", NotAuthorized: "key", Unavailable: "later", Refused: "id", Untrusted: "ca", TLSFailed: "tls"}
	authErr := fmt.Errorf("connect: %w", packets.ErrorRefusedNotAuthorised)
	if reason, cause := Reason(authErr, w); reason != "key" || cause != authErr {
		t.Errorf("Reason(not authorised) = %q, %v", reason, cause)
	}
	pe := &wsdial.ProxyError{Reason: wsdial.ReasonProxyAuth, Proxy: "http://proxy:3128"}
	reason, cause := Reason(fmt.Errorf("websocket: %w", pe), w)
	if reason != wsdial.ReasonProxyAuth || cause != pe {
		t.Errorf("Reason(proxy error) = %q, %v; want the proxy's reason and error", reason, cause)
	}
}

// manualToken is a paho token whose completion the test controls.
type manualToken struct {
	done chan struct{}
	err  error
}

func (t *manualToken) Wait() bool                     { <-t.done; return true }
func (t *manualToken) WaitTimeout(time.Duration) bool { return false }
func (t *manualToken) Done() <-chan struct{}          { return t.done }
func (t *manualToken) Error() error                   { return t.err }

func TestWaitReturnsTheTokensErrorOrTheContexts(t *testing.T) {
	failed := &manualToken{done: make(chan struct{}), err: packets.ErrorRefusedIDRejected}
	close(failed.done)
	if err := Wait(context.Background(), failed); err != packets.ErrorRefusedIDRejected {
		t.Errorf("Wait(finished token) = %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	pending := &manualToken{done: make(chan struct{})}
	if err := Wait(ctx, pending); !errors.Is(err, context.Canceled) {
		t.Errorf("Wait(cancelled, pending token) = %v, want context.Canceled", err)
	}
}
