package desktop

import (
	"crypto/tls"
	"errors"
	"net/http"
	"net/url"
	"time"

	"qpyhub/assets"
	"qpyhub/cloud/hubsim"
	"qpyhub/cloud/registry"
	"qpyhub/ui/devices"
)

// errNoLocalHub is the Devices screen's answer when the local hub did not
// start.
var errNoLocalHub = errors.New("the local hub is not running; see the log for why")

// fleetSource opens the hubs the Devices screen shows: the local hub, or
// an Azure hub through the Settings screen's proxy.
type fleetSource struct {
	local *localHub                             // nil when the local hub did not start
	proxy func(*http.Request) (*url.URL, error) // the Settings screen's proxy; nil = none
}

// Local implements devices.FleetSource with the local hub's owner policy.
func (f fleetSource) Local() (devices.Fleet, error) {
	if f.local == nil {
		return nil, errNoLocalHub
	}
	c, err := registry.New(f.local.srv.PolicyConnectionString("iothubowner"),
		registry.Options{BaseURL: f.local.srv.HTTPURL(), RootCAs: f.local.roots})
	if err != nil {
		return nil, err
	}
	return localFleet{Client: c, srv: f.local.srv}, nil
}

// localFleet is the local hub's registry, which also keeps telemetry.
type localFleet struct {
	*registry.Client
	srv *hubsim.Server
}

// LastTelemetry implements devices.TelemetryReader.
func (f localFleet) LastTelemetry(id string) (time.Time, []byte, bool) {
	msgs := f.srv.Telemetry(id, time.Time{})
	if len(msgs) == 0 {
		return time.Time{}, nil, false
	}
	last := msgs[len(msgs)-1]
	return last.Received, last.Payload, true
}

// Open implements devices.FleetSource for a hub policy connection string.
func (f fleetSource) Open(policyConnectionString string) (devices.Fleet, error) {
	roots, err := assets.RootCAs()
	if err != nil {
		return nil, err
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.TLSClientConfig = &tls.Config{MinVersion: tls.VersionTLS12, RootCAs: roots}
	if f.proxy != nil {
		tr.Proxy = f.proxy
	}
	c, err := registry.New(policyConnectionString, registry.Options{HTTPClient: &http.Client{Transport: tr}})
	if err != nil {
		return nil, err
	}
	return c, nil
}
