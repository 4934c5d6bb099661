package netproxy

import (
	"net/http"
	"net/url"
	"testing"
)

func TestWindowsProxySettings(t *testing.T) {
	const bypass = "<local>;*.corp.example;10.*;Hub.Internal"
	tests := []struct {
		name           string
		enabled        bool
		server, target string
		want           string // "" for direct
	}{
		{"off", false, "proxy.corp:8080", "https://myhub.azure-devices.net/$iothub/websocket", ""},
		{"one for all", true, "proxy.corp:8080", "https://myhub.azure-devices.net/$iothub/websocket", "http://proxy.corp:8080"},
		{"per scheme, https", true, "http=web.corp:80;https=secure.corp:8443", "https://myhub.azure-devices.net/", "http://secure.corp:8443"},
		{"per scheme, http", true, "http=web.corp:80;https=secure.corp:8443", "http://example.net/", "http://web.corp:80"},
		{"per scheme, only ftp", true, "ftp=ftp.corp:21", "https://myhub.azure-devices.net/", ""},
		{"bypass: dotless host", true, "proxy.corp:8080", "https://intranet/", ""},
		{"bypass: wildcard domain", true, "proxy.corp:8080", "https://hub.corp.example/", ""},
		{"bypass: address prefix", true, "proxy.corp:8080", "https://10.1.2.3:443/", ""},
		{"bypass: case", true, "proxy.corp:8080", "https://hub.internal/", ""},
		{"no bypass for a look-alike", true, "proxy.corp:8080", "https://corp.example.attacker.net/", "http://proxy.corp:8080"},
		{"garbage server", true, "socks=;;", "https://myhub.azure-devices.net/", ""},
		{"https proxy URL", true, "https://proxy.corp:3129", "https://myhub.azure-devices.net/", "https://proxy.corp:3129"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			target, err := url.Parse(tt.target)
			if err != nil {
				t.Fatal(err)
			}
			got := ""
			if p := parseWindowsProxy(tt.enabled, tt.server, bypass); p != nil {
				if u := p.proxyFor(target); u != nil {
					got = u.String()
				}
			}
			if got != tt.want {
				t.Errorf("proxy = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestWildcardMatch(t *testing.T) {
	for _, tc := range []struct {
		pattern, s string
		want       bool
	}{
		{"*.corp.example", "a.b.corp.example", true},
		{"*.corp.example", "corp.example", false},
		{"10.*", "10.0.0.1", true},
		{"10.*", "110.0.0.1", false},
		{"*", "anything", true},
		{"a*b*c", "aXXbYYc", true},
		{"a*b*c", "aXXbYY", false},
		{"exact", "exact", true},
	} {
		if got := wildcardMatch(tc.pattern, tc.s); got != tc.want {
			t.Errorf("wildcardMatch(%q, %q) = %v, want %v", tc.pattern, tc.s, got, tc.want)
		}
	}
}

// The environment comes first in System mode, as it does in every other
// program the technician runs from the same shell.
func TestSystemProxyPrefersTheEnvironment(t *testing.T) {
	t.Setenv("HTTPS_PROXY", "http://from-env.corp:3128")
	t.Setenv("https_proxy", "")
	t.Setenv("NO_PROXY", "")
	t.Setenv("no_proxy", "")
	fn, err := Func(Config{Mode: System})
	if err != nil || fn == nil {
		t.Fatalf("Func(system) = %v, %v", fn != nil, err)
	}
	req, _ := http.NewRequest(http.MethodGet, "https://myhub.azure-devices.net/$iothub/websocket", nil)
	u, err := fn(req)
	if err != nil || u == nil || u.Host != "from-env.corp:3128" {
		t.Errorf("system proxy = %v, %v; want the environment's", u, err)
	}
}
