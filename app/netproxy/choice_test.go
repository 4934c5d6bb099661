package netproxy

import (
	"net/http"
	"net/url"
	"testing"
)

func TestChoice(t *testing.T) {
	envProxy, _ := url.Parse("http://from-env:1")
	req := func(raw string) *http.Request {
		r, _ := http.NewRequest(http.MethodGet, raw, nil)
		return r
	}
	c := Config{Mode: System}
	p := NewChoice(c)
	p.system = func(*http.Request) (*url.URL, error) { return envProxy, nil }
	hub := req("https://myhub.azure-devices.net/devices/x")

	if u, _ := p.Proxy(hub); u != envProxy {
		t.Errorf("system mode: %v", u)
	}
	c.Mode = None
	p.Set(c)
	if u, _ := p.Proxy(hub); u != nil {
		t.Errorf("no proxy mode: %v", u)
	}
	c.Mode, c.URL, c.User = Manual, "http://proxy.corp:3128", "tech"
	p.Set(c)
	if u, _ := p.Proxy(hub); u == nil || u.String() != "http://tech@proxy.corp:3128" {
		t.Errorf("manual before the password: %v", u)
	}
	c.Password = "pw" // typed during the run
	p.Set(c)
	if u, _ := p.Proxy(hub); u == nil || u.String() != "http://tech:pw@proxy.corp:3128" {
		t.Errorf("manual with the password: %v", u)
	}
	for _, local := range []string{"https://localhost:8883/x", "https://127.0.0.1:443/x", "https://[::1]:443/x"} {
		if u, _ := p.Proxy(req(local)); u != nil {
			t.Errorf("%s goes through %v", local, u)
		}
	}
	c.URL = "socks5://proxy:1080"
	p.Set(c)
	if u, err := p.Proxy(hub); u != nil || err != nil {
		t.Errorf("an unusable manual address connects directly; got %v, %v", u, err)
	}
}

func TestChoiceUsedFor(t *testing.T) {
	p := NewChoice(Config{})
	p.system = func(*http.Request) (*url.URL, error) { return nil, nil } // no proxy in the environment
	tests := []struct {
		mode Mode
		host string
		want bool
	}{
		{System, "myhub.azure-devices.net", false},
		{None, "myhub.azure-devices.net", false},
		{Manual, "myhub.azure-devices.net", true},
		{Manual, "localhost", false},
		{Manual, "", false},
	}
	for _, tc := range tests {
		p.Set(Config{Mode: tc.mode, URL: "http://proxy.corp:3128"})
		if got := p.UsedFor(tc.host); got != tc.want {
			t.Errorf("mode %q host %q: UsedFor = %v, want %v", tc.mode, tc.host, got, tc.want)
		}
	}
	var none *Choice
	if none.UsedFor("myhub.azure-devices.net") {
		t.Error("no proxy choice must mean no proxy")
	}
}
