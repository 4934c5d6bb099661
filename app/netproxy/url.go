package netproxy

import (
	"errors"
	"net"
	"net/url"
	"strconv"
	"strings"
)

// Reasons a proxy address is refused: constant English, translated by the
// caller and shown after the field's name. None quotes the address, which
// may hold a password.
var (
	ErrEmpty       = errors.New("is empty: give the proxy as http://host:port")
	ErrNotURL      = errors.New("is not a URL such as http://proxy.example.com:8080")
	ErrScheme      = errors.New("must start with http:// or https:// (SOCKS proxies are not supported)")
	ErrPort        = errors.New("has a port that is not a number from 1 to 65535")
	ErrCredentials = errors.New("holds a user name or password: put them in their own fields")
	ErrNoPort      = errors.New("needs a port: write it as http://host:port")
)

// ParseURL reads a proxy address as people paste it from browser
// settings: "proxy.corp:8080" (http:// is assumed) as well as
// "https://user:pass@proxy.corp:8080/". Without a port the scheme's own
// applies, as Go's transport does.
func ParseURL(raw string) (*url.URL, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return nil, ErrEmpty
	}
	if !strings.Contains(raw, "://") {
		raw = "http://" + raw
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, ErrNotURL
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, ErrScheme
	}
	if u.Hostname() == "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" {
		return nil, ErrNotURL
	}
	if port := u.Port(); port != "" || strings.HasSuffix(u.Host, ":") {
		if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
			return nil, ErrPort
		}
	}
	u.Path = ""
	return u, nil
}

// ParseStoredURL is ParseURL for the address the Settings screen keeps in
// preferences. A user name or password in it is refused, so that a
// password never ends up on disk (they have fields of their own), and the
// port must be named: the screen stores each valid value as it is typed,
// and without that rule "ftp" on the way to "ftp://proxy:21" would be kept.
func ParseStoredURL(raw string) (*url.URL, error) {
	u, err := ParseURL(raw)
	if err != nil {
		return nil, err
	}
	if u.User != nil {
		return nil, ErrCredentials
	}
	if u.Port() == "" {
		return nil, ErrNoPort
	}
	return u, nil
}

// IsLoopback tells whether host is this machine, which is never reached
// through a proxy (the local hub).
func IsLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Reasons lists the English texts of every error this package returns,
// so a user interface can check that it translates them all.
func Reasons() []string {
	var out []string
	for _, err := range []error{ErrEmpty, ErrNotURL, ErrScheme, ErrPort, ErrCredentials, ErrNoPort, ErrMode} {
		out = append(out, err.Error())
	}
	return out
}
