package netproxy

import (
	"errors"
	"strings"
	"testing"
)

func TestParseURL(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		err      error
	}{
		{"http://proxy:8080", "http://proxy:8080", nil},
		{" https://10.1.2.3:3128/ ", "https://10.1.2.3:3128", nil},
		{"http://[fd00::1]:8080", "http://[fd00::1]:8080", nil},
		{"proxy:8080", "http://proxy:8080", nil}, // as browsers show it
		{"https://proxy.corp/", "https://proxy.corp", nil},
		{"http://me:pw@proxy:8080", "http://me:pw@proxy:8080", nil},
		{"", "", ErrEmpty},
		{"http://proxy:0", "", ErrPort},
		{"http://proxy:99999", "", ErrPort},
		{"http://proxy:", "", ErrPort},
		{"socks5://me:secretpw@proxy:1080", "", ErrScheme},
		{"http://me:secretpw@proxy:8080/pac", "", ErrNotURL},
		{"http://:8080", "", ErrNotURL},
		{"http://proxy:8080/?x=1", "", ErrNotURL},
	} {
		u, err := ParseURL(tc.in)
		got := ""
		if err == nil {
			got = u.String()
		}
		if got != tc.want || !errors.Is(err, tc.err) {
			t.Errorf("ParseURL(%q) = %q, %v; want %q, %v", tc.in, got, err, tc.want, tc.err)
		}
		if err != nil && strings.Contains(err.Error(), "secretpw") {
			t.Errorf("ParseURL(%q): error %q quotes the password", tc.in, err)
		}
	}
}

func TestParseStoredURLRefusesCredentials(t *testing.T) {
	if _, err := ParseStoredURL("http://user:pw@proxy:8080"); !errors.Is(err, ErrCredentials) {
		t.Errorf("credentials in a stored address: %v, want ErrCredentials", err)
	}
	if u, err := ParseStoredURL("proxy.corp:3128"); err != nil || u.String() != "http://proxy.corp:3128" {
		t.Errorf("plain address: %v, %v", u, err)
	}
	if _, err := ParseStoredURL("ftp://proxy"); !errors.Is(err, ErrScheme) {
		t.Errorf("bad scheme: %v, want ErrScheme", err)
	}
	for _, half := range []string{"ftp", "http://proxy", "https://proxy.corp/"} {
		if _, err := ParseStoredURL(half); !errors.Is(err, ErrNoPort) {
			t.Errorf("ParseStoredURL(%q) = %v, want ErrNoPort", half, err)
		}
	}
}

func TestIsLoopback(t *testing.T) {
	for host, want := range map[string]bool{
		"localhost": true, "127.0.0.1": true, "127.1.2.3": true, "::1": true,
		"myhub.azure-devices.net": false, "10.0.0.1": false, "": false, "127.example.com": false,
	} {
		if got := IsLoopback(host); got != want {
			t.Errorf("IsLoopback(%q) = %v, want %v", host, got, want)
		}
	}
}
