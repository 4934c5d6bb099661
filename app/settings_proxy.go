package app

import (
	"net/http"
	"net/url"
	"strings"
	"sync"

	"qpyhub/ui"
)

// proxyChoice finds the proxy for HTTP requests (the registry, DPS over
// HTTPS) from the Settings screen, as it is now: a password typed during
// this run is used at once, and never written anywhere.
type proxyChoice struct {
	mu       sync.Mutex
	settings ui.Settings
	// system is the "System" mode's proxy: the environment, else the
	// OS setting (systemProxy); tests replace it.
	system func(*http.Request) (*url.URL, error)
}

func newProxyChoice(s ui.Settings) *proxyChoice {
	return &proxyChoice{settings: s, system: systemProxy}
}

// set replaces the settings; the Settings screen calls it on every change.
func (p *proxyChoice) set(s ui.Settings) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.settings = s
}

// proxy has the signature of http.Transport.Proxy.
func (p *proxyChoice) proxy(req *http.Request) (*url.URL, error) {
	p.mu.Lock()
	s := p.settings
	p.mu.Unlock()
	switch s.ProxyMode {
	case ui.ProxyNone:
		return nil, nil
	case ui.ProxyManual:
		if isLoopback(req.URL.Hostname()) {
			return nil, nil
		}
		return s.Proxy(), nil
	}
	return p.system(req)
}

// usedFor tells whether a connection to the hub host would go through a
// proxy under the current settings.
func (p *proxyChoice) usedFor(host string) bool {
	if p == nil || host == "" {
		return false
	}
	req, err := http.NewRequest(http.MethodGet, "https://"+host+"/$iothub/websocket", nil)
	if err != nil {
		return false
	}
	u, err := p.proxy(req)
	return err == nil && u != nil
}

// install makes the default transport, and every transport cloned from it
// (the registry client's), ask p.
func (p *proxyChoice) install() {
	if t, ok := http.DefaultTransport.(*http.Transport); ok {
		t.Proxy = p.proxy
	}
}

// isLoopback tells whether host is this machine, which is never reached
// through a proxy (the local hub).
func isLoopback(host string) bool {
	return host == "localhost" || strings.HasPrefix(host, "127.") || host == "::1"
}
