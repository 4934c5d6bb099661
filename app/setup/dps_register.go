package setup

import (
	"context"
	"crypto/x509"
	"errors"

	"qpyhub/cloud/dps"
)

// dpsRequest is one registration from the PC.
type dpsRequest struct {
	IDScope, RegistrationID, DeviceKey string
	Host, ServerAddr                   string
	RootCAs                            *x509.CertPool
}

// dpsAnswer is what DPS assigned.
type dpsAnswer struct {
	Hub, DeviceID string
}

// registerWithDPS registers from the PC over MQTT, as the module will.
func registerWithDPS(ctx context.Context, req dpsRequest) (dpsAnswer, error) {
	a, err := dps.Register(ctx, dps.Config{IDScope: req.IDScope, RegistrationID: req.RegistrationID,
		DeviceKey: req.DeviceKey, Host: req.Host, ServerAddr: req.ServerAddr, RootCAs: req.RootCAs})
	if err != nil {
		return dpsAnswer{}, err
	}
	return dpsAnswer{Hub: a.AssignedHub, DeviceID: a.DeviceID}, nil
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
