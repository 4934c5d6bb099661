package provision

import (
	"context"
	"time"

	"qpyhub/cloud"
)

// credentials is what goes into the module's config to sign in.
type credentials struct {
	Auth     string // AuthKey or AuthToken
	Key      string // base64 device key (AuthKey; DPS needs it too)
	Token    string // SAS token (AuthToken)
	TokenTTL time.Duration
}

// credentials chooses the key on the module (it mints its own SAS, so
// nothing goes stale) or a token with the plan's lifetime.
func (m *moduleRun) credentials(ctx context.Context) error {
	id, plan := m.ident, m.p.plan
	switch {
	case plan.TokenTTL > 0:
		expiry := m.p.now().Add(plan.TokenTTL)
		tok, err := cloud.NewSASToken(cloud.DeviceResource(id.Host, id.DeviceID), id.Key, "", expiry)
		if err != nil {
			return fail(StageCredentials, PhraseBadKey, AdviceBadKey, fieldDetail(err), err)
		}
		m.remember(tok)
		m.creds = credentials{Auth: AuthToken, Token: tok, TokenTTL: plan.TokenTTL}
		m.res.TokenExpires = expiry.UTC().Truncate(time.Second)
		if cloud.LifetimeWarning(plan.TokenTTL) {
			m.res.Warnings = append(m.res.Warnings, WarningLongToken)
			m.step(StageCredentials, StateRunning, WarningLongToken)
		}
	case id.Key == "" && id.Token != "":
		// A pasted token: written as it is, valid until its own expiry.
		tok, err := cloud.ParseSASToken(id.Token)
		if err != nil {
			return fail(StageCredentials, PhraseBadKey, AdviceBadKey, fieldDetail(err), err)
		}
		if tok.ExpiredAt(m.p.now()) {
			return fail(StageCredentials, PhraseBadKey, AdviceBadKey, "SharedAccessSignature "+cloud.ReasonExpired, nil)
		}
		m.creds = credentials{Auth: AuthToken, Token: id.Token, TokenTTL: tok.Expiry.Sub(m.p.now())}
		m.res.TokenExpires = tok.Expiry
	default:
		if _, err := cloud.DecodeKey("SharedAccessKey", id.Key); err != nil {
			return fail(StageCredentials, PhraseBadKey, AdviceBadKey, fieldDetail(err), err)
		}
		m.creds = credentials{Auth: AuthKey, Key: id.Key}
	}
	m.res.AuthMode = m.creds.Auth
	m.step(StageCredentials, StateOK, m.creds.Auth)
	return nil
}
