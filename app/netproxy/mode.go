// Package netproxy decides how qpyhub's connections to the cloud find an
// HTTP proxy: the modes a user chooses from, the one parser for a proxy
// address, the system's own setting, and the live choice the window keeps.
// The command line and the Settings screen both speak it.
package netproxy

import (
	"errors"
	"net/http"
	"net/url"
)

// Mode says how connections find a proxy. The values are stored in
// preferences, so they never change.
type Mode string

const (
	// None connects directly.
	None Mode = "none"
	// Environment follows HTTPS_PROXY, HTTP_PROXY and NO_PROXY.
	Environment Mode = "environment"
	// System is the environment when it names a proxy, else the OS's own
	// setting (the Internet settings on Windows).
	System Mode = "system"
	// Manual is one proxy address, with an optional user and password.
	Manual Mode = "manual"
)

// ErrMode is the answer to a mode this package does not know.
var ErrMode = errors.New("is not a proxy mode: use none, environment or manual")

// Config is one proxy choice. Password lives in memory only: nothing in
// this package writes it anywhere.
type Config struct {
	Mode     Mode
	URL      string // the Manual mode's address
	User     string
	Password string
}

// Func turns c into the signature of http.Transport.Proxy: nil for no
// proxy. A User replaces any user in the address. Errors never quote the
// address, which may hold a password.
func Func(c Config) (func(*http.Request) (*url.URL, error), error) {
	switch c.Mode {
	case "", None:
		return nil, nil
	case Environment:
		return http.ProxyFromEnvironment, nil
	case System:
		return systemProxy, nil
	case Manual:
		u, err := c.manualURL()
		if err != nil {
			return nil, err
		}
		return http.ProxyURL(u), nil
	}
	return nil, ErrMode
}

// manualURL is the Manual address with the user and password applied.
func (c Config) manualURL() (*url.URL, error) {
	u, err := ParseURL(c.URL)
	if err != nil {
		return nil, err
	}
	switch {
	case c.User != "" && c.Password != "":
		u.User = url.UserPassword(c.User, c.Password)
	case c.User != "":
		u.User = url.User(c.User)
	}
	return u, nil
}
