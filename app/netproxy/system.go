package netproxy

import (
	"net/http"
	"net/url"
	"os"
	"strings"
)

// systemProxy is the Settings screen's "System" proxy: the environment
// (HTTPS_PROXY, HTTP_PROXY, NO_PROXY) when it names one, else the OS's
// own setting (on Windows the proxy of the Internet settings; elsewhere
// there is none to read). A proxy auto-config script is not run.
func systemProxy(req *http.Request) (*url.URL, error) {
	if envNamesProxy() {
		return http.ProxyFromEnvironment(req)
	}
	if IsLoopback(req.URL.Hostname()) {
		return nil, nil // the local hub is never behind the proxy
	}
	// Read at each connection, so a change in the OS settings applies
	// without a restart; it is a few registry values.
	cfg := osProxySetting()
	if cfg == nil {
		return nil, nil
	}
	return cfg.proxyFor(req.URL), nil
}

func envNamesProxy() bool {
	for _, k := range []string{"HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy"} {
		if os.Getenv(k) != "" {
			return true
		}
	}
	return false
}

// osProxy is a proxy setting as Windows keeps it: one server for every
// scheme ("host:port") or one per scheme ("http=h:p;https=h:p"), and a
// bypass list ("<local>;*.corp.example;10.*").
type osProxy struct {
	all, https, http *url.URL
	bypass           []string // lower case; "<local>" is hosts without a dot
}

// parseWindowsProxy reads the Internet settings' ProxyServer and
// ProxyOverride values; nil when enabled is false or no usable server is
// named.
func parseWindowsProxy(enabled bool, server, override string) *osProxy {
	if !enabled {
		return nil
	}
	p := &osProxy{}
	for _, part := range strings.Split(server, ";") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		scheme, addr, perScheme := strings.Cut(part, "=")
		if !perScheme {
			addr = part
		}
		u, err := ParseURL(addr)
		if err != nil {
			continue
		}
		switch {
		case !perScheme:
			p.all = u
		case strings.EqualFold(scheme, "https"):
			p.https = u
		case strings.EqualFold(scheme, "http"):
			p.http = u
		}
	}
	if p.all == nil && p.https == nil && p.http == nil {
		return nil
	}
	for _, b := range strings.Split(override, ";") {
		if b = strings.ToLower(strings.TrimSpace(b)); b != "" {
			p.bypass = append(p.bypass, b)
		}
	}
	return p
}

// proxyFor is the proxy for target, nil when it bypasses the proxy.
func (p *osProxy) proxyFor(target *url.URL) *url.URL {
	host := strings.ToLower(target.Hostname())
	for _, b := range p.bypass {
		if b == "<local>" && !strings.Contains(host, ".") || wildcardMatch(b, host) {
			return nil
		}
	}
	if target.Scheme == "https" || target.Scheme == "wss" {
		if p.https != nil {
			return p.https
		}
	} else if p.http != nil {
		return p.http
	}
	return p.all
}

// wildcardMatch matches s against pattern, where '*' stands for any run
// of characters (as in the bypass list: "*.corp.example", "10.*").
func wildcardMatch(pattern, s string) bool {
	star := strings.IndexByte(pattern, '*')
	if star < 0 {
		return pattern == s
	}
	if !strings.HasPrefix(s, pattern[:star]) {
		return false
	}
	rest := pattern[star+1:]
	for i := star; i <= len(s); i++ {
		if wildcardMatch(rest, s[i:]) {
			return true
		}
	}
	return false
}
