package provision

import (
	"net"
	"time"

	"qpyhub/assets"

	"qpyhub/device/moduleapp"
)

// configJSON builds the module's config file (moduleapp.ConfigPath), checked by the rules the
// program applies on the module. It holds the key or token: it goes to
// the module and nowhere else. With a local hub the module dials the
// plan's server port (DPS too) and trusts the plan's CA; the hub name
// stays the one tokens are made for.
func (m *moduleRun) configJSON() ([]byte, error) {
	plan := m.p.plan
	ca, err := moduleCA(plan)
	if err != nil {
		return nil, err
	}
	cfg := moduleapp.Config{
		DeviceID:  m.ident.DeviceID,
		Host:      m.ident.Host,
		Port:      serverPort(plan.Server, moduleapp.DefaultPort),
		Auth:      m.creds.Auth,
		CA:        ca,
		Heartbeat: int(plan.Heartbeat / time.Second),
	}
	switch m.creds.Auth {
	case AuthToken:
		cfg.Token = m.creds.Token
	default:
		cfg.Key = m.ident.Key
	}
	if d := m.ident.DPS; d != nil {
		dc := moduleapp.DPS{Host: d.Host, Port: d.Port, IDScope: d.IDScope, RegistrationID: d.RegistrationID}
		if host, _, err := net.SplitHostPort(plan.Server); err == nil {
			dc.Host, dc.Port = host, serverPort(plan.Server, d.Port) // the local hub serves DPS too
		}
		cfg.DPS = &dc
	}
	return cfg.JSON()
}

// moduleCA is the CA the module checks the server against: the plan's
// (a local hub's) when given, else the Azure roots this tool trusts, so
// firmware that can check the server does so by default.
func moduleCA(plan Plan) (string, error) {
	if len(plan.CAPEM) > 0 {
		return string(plan.CAPEM), nil
	}
	roots, err := assets.RootsPEM()
	if err != nil {
		return "", err
	}
	return string(roots), nil
}
