package provision

import (
	"context"
	"crypto/x509"
	"errors"
	"net/http"
	"net/url"

	"qpyhub/cloud"
	"qpyhub/cloud/dps"
)

// dpsRequest is one registration from the PC.
type dpsRequest struct {
	IDScope, RegistrationID, DeviceKey string
	Host, ServerAddr                   string
	RootCAs                            *x509.CertPool
	Proxy                              func(*http.Request) (*url.URL, error)
}

// dpsAnswer is what DPS assigned.
type dpsAnswer struct {
	Hub, DeviceID string
}

// registerWithDPS registers from the PC over MQTT, as the module will.
func registerWithDPS(ctx context.Context, req dpsRequest) (dpsAnswer, error) {
	cfg := dps.Config{IDScope: req.IDScope, RegistrationID: req.RegistrationID,
		DeviceKey: req.DeviceKey, Host: req.Host, ServerAddr: req.ServerAddr, RootCAs: req.RootCAs}
	if viaProxy(req) {
		// Only WebSockets (443) cross an HTTP proxy; 8883 would not get out.
		cfg.WebSocket, cfg.Proxy = true, req.Proxy
	}
	a, err := dps.Register(ctx, cfg)
	if err != nil {
		return dpsAnswer{}, err
	}
	return dpsAnswer{Hub: a.AssignedHub, DeviceID: a.DeviceID}, nil
}

// viaProxy tells whether the proxy names one for the DPS host. A server
// override (the local hub) is always reached directly.
func viaProxy(req dpsRequest) bool {
	if req.Proxy == nil || req.ServerAddr != "" {
		return false
	}
	host := req.Host
	if host == "" {
		host = cloud.DPSGlobalHost
	}
	u, err := req.Proxy(&http.Request{Method: http.MethodGet, Header: http.Header{}, Host: host,
		URL: &url.URL{Scheme: "https", Host: host, Path: "/$iothub/websocket"}})
	return err != nil || u != nil // a broken setting is reported by the dial
}

// dpsFailure turns a registration failure into the identity stage's
// error: DPS's final "no" (disabled, failed, not authorized) or no DPS
// at all. The package's reason says the cause in its own words.
func (m *moduleRun) dpsFailure(err error) error {
	var re *dps.RegistrationError
	var ce *dps.ConnectError
	switch {
	case errors.As(err, &re):
		return fail(StageIdentity, PhraseDPSRefused, AdviceDPSRefused, joinDetail(re.Reason, re.Message), err)
	case errors.As(err, &ce) && ce.Reason == dps.ReasonNotAuthorized:
		return fail(StageIdentity, PhraseDPSRefused, AdviceDPSRefused, joinDetail(ce.Reason, ce.Addr), err)
	case errors.As(err, &ce):
		return fail(StageIdentity, PhraseDPSUnreachable, AdviceDPSUnreachable, joinDetail(ce.Reason, ce.Addr), err)
	}
	return fail(StageIdentity, PhraseDPSUnreachable, AdviceDPSUnreachable, err.Error(), err)
}
