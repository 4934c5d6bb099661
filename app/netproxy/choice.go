package netproxy

import (
	"net/http"
	"net/url"
	"sync"
)

// Choice is the proxy the window uses now: the Settings screen replaces
// it on every change, so a password typed during this run applies at once
// and is never written anywhere.
type Choice struct {
	mu     sync.Mutex
	config Config
	// system is the System mode's proxy; tests replace it.
	system func(*http.Request) (*url.URL, error)
}

// NewChoice starts with c.
func NewChoice(c Config) *Choice {
	return &Choice{config: c, system: systemProxy}
}

// Set replaces the choice.
func (p *Choice) Set(c Config) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.config = c
}

// Proxy has the signature of http.Transport.Proxy. The Environment mode
// counts as System here: the window offers only None, System and Manual.
func (p *Choice) Proxy(req *http.Request) (*url.URL, error) {
	p.mu.Lock()
	c := p.config
	p.mu.Unlock()
	switch c.Mode {
	case None:
		return nil, nil
	case Manual:
		if IsLoopback(req.URL.Hostname()) {
			return nil, nil
		}
		u, err := c.manualURL()
		if err != nil {
			return nil, nil // the screen shows the address's fault; connect directly meanwhile
		}
		return u, nil
	}
	return p.system(req)
}

// UsedFor tells whether a connection to the hub host would go through a
// proxy under the current choice.
func (p *Choice) UsedFor(host string) bool {
	if p == nil || host == "" {
		return false
	}
	req, err := http.NewRequest(http.MethodGet, "https://"+host+"/$iothub/websocket", nil)
	if err != nil {
		return false
	}
	u, err := p.Proxy(req)
	return err == nil && u != nil
}

// Install makes the default transport, and every transport cloned from
// it (the registry client's), ask p.
func (p *Choice) Install() {
	if t, ok := http.DefaultTransport.(*http.Transport); ok {
		t.Proxy = p.Proxy
	}
}
