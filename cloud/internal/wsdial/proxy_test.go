package wsdial

import (
	"net/url"
	"testing"
)

func TestProxyHostPort(t *testing.T) {
	tests := []struct {
		raw  string
		want string
		ok   bool
	}{
		{"http://proxy.corp:8080", "proxy.corp:8080", true},
		{"http://proxy.corp", "proxy.corp:80", true},
		{"https://u:p@proxy.corp", "proxy.corp:443", true},
		{"http://[::1]:3128", "[::1]:3128", true},
		{"socks5://proxy.corp:1080", "", false},
		{"http://:8080", "", false},
	}
	for _, tt := range tests {
		u, err := url.Parse(tt.raw)
		if err != nil {
			t.Fatal(err)
		}
		got, ok := proxyHostPort(u)
		if got != tt.want || ok != tt.ok {
			t.Errorf("proxyHostPort(%s) = %q, %v; want %q, %v", tt.raw, got, ok, tt.want, tt.ok)
		}
	}
}
