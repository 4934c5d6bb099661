package netproxy

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestFunc(t *testing.T) {
	hubReq := &http.Request{URL: &url.URL{Scheme: "https", Host: "myhub.azure-devices.net:443"}}
	tests := []struct {
		name    string
		config  Config
		want    string // the proxy chosen for the hub; "" = none
		wantErr bool
	}{
		{"none", Config{Mode: None, URL: "http://ignored:1"}, "", false},
		{"empty mode", Config{}, "", false},
		{"manual", Config{Mode: Manual, URL: "http://proxy.corp:8080"}, "http://proxy.corp:8080", false},
		{"bare host:port", Config{Mode: Manual, URL: " proxy.corp:3128 "}, "http://proxy.corp:3128", false},
		{"user and password", Config{Manual, "http://proxy.corp:8080", "me", "p@ss:word"}, "http://me:p%40ss%3Aword@proxy.corp:8080", false},
		{"user replaces URL's", Config{Manual, "http://old:old@proxy.corp:8080", "me", "pw"}, "http://me:pw@proxy.corp:8080", false},
		{"URL's credentials kept", Config{Mode: Manual, URL: "http://me:pw@proxy.corp:8080"}, "http://me:pw@proxy.corp:8080", false},
		{"user alone", Config{Mode: Manual, URL: "http://proxy.corp:8080", User: "tech"}, "http://tech@proxy.corp:8080", false},
		{"empty URL", Config{Mode: Manual}, "", true},
		{"socks", Config{Mode: Manual, URL: "socks5://me:secretpw@proxy.corp:1080"}, "", true},
		{"bad mode", Config{Mode: "auto"}, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fn, err := Func(tt.config)
			if tt.wantErr {
				if err == nil {
					t.Fatal("no error")
				}
				if strings.Contains(err.Error(), "secretpw") {
					t.Errorf("error %q quotes the password", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got := ""
			if fn != nil {
				u, err := fn(hubReq)
				if err != nil {
					t.Fatal(err)
				}
				got = u.String()
			}
			if got != tt.want {
				t.Errorf("proxy = %q, want %q", got, tt.want)
			}
		})
	}
	for _, mode := range []Mode{Environment, System} {
		if fn, err := Func(Config{Mode: mode}); fn == nil || err != nil {
			t.Errorf("mode %s: function set %v, error %v; want a proxy function", mode, fn != nil, err)
		}
	}
	if _, err := Func(Config{Mode: "pac"}); !errors.Is(err, ErrMode) {
		t.Errorf("unknown mode: %v, want ErrMode", err)
	}
}
