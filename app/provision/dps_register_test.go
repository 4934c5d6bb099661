package provision

import (
	"errors"
	"net/http"
	"net/url"
	"testing"
)

// The enrollment check from the PC goes through the proxy only when the
// proxy names one for the DPS host, and never to a local service.
func TestEnrollmentCheckUsesTheProxyForDPSOnly(t *testing.T) {
	corp, _ := url.Parse("http://proxy.corp:3128")
	var asked []string
	proxy := func(req *http.Request) (*url.URL, error) {
		asked = append(asked, req.URL.String())
		if req.URL.Hostname() == "dps.inside.corp" {
			return nil, nil // NO_PROXY
		}
		return corp, nil
	}
	broken := func(*http.Request) (*url.URL, error) { return nil, errors.New("bad proxy URL") }
	tests := []struct {
		name string
		req  dpsRequest
		want bool
	}{
		{"no proxy", dpsRequest{}, false},
		{"global DPS", dpsRequest{Proxy: proxy}, true},
		{"named DPS host", dpsRequest{Proxy: proxy, Host: "my-dps.azure-devices-provisioning.net"}, true},
		{"host the proxy skips", dpsRequest{Proxy: proxy, Host: "dps.inside.corp"}, false},
		{"local service", dpsRequest{Proxy: proxy, Host: "localhost", ServerAddr: "127.0.0.1:8883"}, false},
		{"broken setting: the dial reports it", dpsRequest{Proxy: broken}, true},
	}
	for _, tc := range tests {
		if got := viaProxy(tc.req); got != tc.want {
			t.Errorf("%s: via proxy %v, want %v", tc.name, got, tc.want)
		}
	}
	if len(asked) == 0 || asked[0] != "https://global.azure-devices-provisioning.net/$iothub/websocket" {
		t.Errorf("the proxy was asked about %q, want the global DPS WebSocket URL first", asked)
	}
}
