package provision

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strconv"

	"qpyhub/cloud"
	"qpyhub/cloud/registry"
)

// identity is who the module will be in the cloud.
type identity struct {
	Host     string // hub host; "" while DPS has not assigned one
	DeviceID string // "" while DPS has not assigned one
	Key      string // the device key (base64); a secret
	Token    string // a token pasted in the connection string; a secret
	DPS      *dpsTarget
}

// dpsTarget is what the module needs to register through DPS itself.
type dpsTarget struct {
	Host           string
	Port           int
	IDScope        string
	RegistrationID string
}

// Identity failure phrases beyond errors.go's.
const (
	PhraseDeviceDisabled = "the device is disabled in the hub"
	AdviceDeviceDisabled = "enable the device in the hub, or choose another device id"
)

// identify gets or creates the module's device identity.
func (m *moduleRun) identify(ctx context.Context) error {
	var err error
	switch m.p.plan.Mode {
	case IdentityDevice:
		err = m.identifyFromDevice()
	case IdentityRegistry:
		err = m.identifyFromRegistry(ctx)
	case IdentityDPS:
		err = m.identifyFromDPS(ctx)
	}
	if err != nil {
		return err
	}
	m.res.DeviceID, m.res.Hub = m.ident.DeviceID, m.ident.Host
	detail := m.ident.DeviceID
	if m.ident.DPS != nil && detail == "" {
		detail = "DPS " + m.ident.DPS.RegistrationID
	}
	m.step(StageIdentity, StateOK, detail)
	return nil
}

func (m *moduleRun) identifyFromDevice() error {
	cs, err := cloud.ParseConnectionString(m.p.plan.ConnectionString)
	if err == nil {
		var id cloud.DeviceIdentity
		if id, err = cloud.IdentityFromConnectionString(cs); err == nil {
			m.remember(id.Key, id.Token)
			m.ident = identity{Host: id.Host, DeviceID: id.DeviceID, Key: id.Key, Token: id.Token}
			return nil
		}
	}
	return fail(StageIdentity, PhraseBadKey, AdviceBadKey, fieldDetail(err), err)
}

func (m *moduleRun) identifyFromRegistry(ctx context.Context) error {
	plan := m.p.plan
	id, err := Expand(plan.DeviceIDTemplate, m.facts)
	if err == nil {
		err = cloud.ValidateDeviceID("device id", id)
	}
	if err != nil {
		return fail(StageIdentity, PhraseTemplate, AdviceTemplate, templateDetail(plan.DeviceIDTemplate, err), err)
	}
	m.res.DeviceID = id
	tr, err := m.p.httpTransport()
	if err != nil {
		return fail(StageIdentity, PhraseRegistry, AdviceRegistry, "", err)
	}
	rc, err := registry.New(plan.HubConnectionString, registry.Options{BaseURL: plan.ServiceURL, HTTPClient: &http.Client{Transport: tr}})
	if err != nil {
		return fail(StageIdentity, PhraseRegistry, AdviceRegistry, "", err)
	}
	m.res.Hub = rc.HostName()
	dev, err := rc.CreateDevice(ctx, id)
	if errors.Is(err, registry.ErrDeviceExists) {
		if !plan.ReuseExisting {
			return fail(StageIdentity, PhraseDeviceExists, AdviceDeviceExists, id, err)
		}
		m.step(StageIdentity, StateRunning, "reusing "+id)
		dev, err = rc.GetDevice(ctx, id)
	}
	switch {
	case errors.Is(err, registry.ErrNoRights):
		return fail(StageIdentity, PhraseNoWriteRights, AdviceNoWriteRights, err.Error(), err)
	case errors.Is(err, registry.ErrKeyRefused):
		return fail(StageIdentity, PhraseBadKey, AdviceBadKey, err.Error(), err)
	case err != nil:
		return fail(StageIdentity, PhraseRegistry, AdviceRegistry, err.Error(), err)
	case dev.Status == "disabled":
		return fail(StageIdentity, PhraseDeviceDisabled, AdviceDeviceDisabled, id, nil)
	}
	m.remember(dev.PrimaryKey, dev.SecondaryKey)
	m.ident = identity{Host: rc.HostName(), DeviceID: dev.DeviceID, Key: dev.PrimaryKey}
	return nil
}

func (m *moduleRun) identifyFromDPS(ctx context.Context) error {
	plan := m.p.plan
	m.remember(plan.GroupKey)
	regID, err := Expand(plan.RegistrationIDTemplate, m.facts)
	if err == nil {
		err = cloud.ValidateRegistrationID(regID)
	}
	if err != nil {
		return fail(StageIdentity, PhraseTemplate, AdviceTemplate, templateDetail(plan.RegistrationIDTemplate, err), err)
	}
	key, err := cloud.DeriveDeviceKey(plan.GroupKey, regID)
	if err != nil {
		return fail(StageIdentity, PhraseBadKey, AdviceBadKey, fieldDetail(err), err)
	}
	m.remember(key)
	target := &dpsTarget{Host: plan.DPSHost, Port: cloud.MQTTPort, IDScope: plan.IDScope, RegistrationID: regID}
	m.ident = identity{Key: key, DPS: target}
	if !plan.DPSCheckFromPC {
		return nil
	}
	m.step(StageIdentity, StateRunning, "DPS "+regID)
	ans, err := m.p.register(ctx, dpsRequest{IDScope: plan.IDScope, RegistrationID: regID, DeviceKey: key,
		Host: plan.DPSHost, ServerAddr: plan.Server, RootCAs: m.p.rootCAs(), Proxy: plan.Proxy})
	if err != nil {
		return m.dpsFailure(err)
	}
	m.ident.Host, m.ident.DeviceID = ans.Hub, ans.DeviceID
	if plan.TokenTTL > 0 {
		m.ident.DPS = nil // registered: the module goes straight to its hub with the token
	}
	return nil
}

// templateDetail names the template and, for a template error, the
// placeholder concerned.
func templateDetail(tmpl string, err error) string {
	var te *TemplateError
	if errors.As(err, &te) {
		return joinDetail(strconv.Quote(tmpl), te.Reason, te.Placeholder)
	}
	return joinDetail(strconv.Quote(tmpl), fieldDetail(err))
}

// fieldDetail names a cloud field error without its value.
func fieldDetail(err error) string {
	var fe *cloud.FieldError
	if errors.As(err, &fe) {
		return fe.Field + " " + fe.Reason
	}
	if err == nil {
		return ""
	}
	return err.Error()
}

// serverPort is the port of a host:port override, or fallback.
func serverPort(server string, fallback int) int {
	if _, port, err := net.SplitHostPort(server); err == nil {
		if n, err := strconv.Atoi(port); err == nil && n > 0 {
			return n
		}
	}
	return fallback
}
