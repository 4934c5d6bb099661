package app

import (
	"errors"
	"flag"
	"net/http"
	"net/url"
	"os"
	"strings"

	"fyne.io/fyne/v2/lang"
)

// Proxy modes, as a settings screen stores them.
const (
	ProxyNone        = "none"        // connect directly
	ProxyEnvironment = "environment" // HTTPS_PROXY / NO_PROXY
	ProxySystem      = "system"      // the environment, else the OS setting (Windows)
	ProxyManual      = "manual"      // one proxy URL, with optional user and password
)

// envProxyPassword keeps the proxy password out of the shell history and
// the process list, like QPYHUB_KEY does for device keys.
const envProxyPassword = "QPYHUB_PROXY_PASSWORD"

// ProxyFunc turns proxy settings into hubclient.Config.Proxy: nil for
// none. In manual mode rawURL is http://host:port or https://host:port
// (a bare host:port means http://); user and password, when user is set,
// replace any in the URL. Errors never quote the URL, which may hold a
// password.
func ProxyFunc(mode, rawURL, user, password string) (func(*http.Request) (*url.URL, error), error) {
	switch mode {
	case "", ProxyNone:
		return nil, nil
	case ProxyEnvironment:
		return http.ProxyFromEnvironment, nil
	case ProxySystem:
		return systemProxy, nil
	case ProxyManual:
		u, err := parseProxyURL(rawURL)
		if err != nil {
			return nil, err
		}
		if user != "" {
			u.User = url.UserPassword(user, password)
		}
		return http.ProxyURL(u), nil
	}
	return nil, errors.New(lang.L("is not a proxy mode: use none, environment or manual"))
}

// parseProxyURL accepts what people paste from browser settings:
// "proxy.corp:8080" as well as "http://user:pass@proxy.corp:8080/".
func parseProxyURL(raw string) (*url.URL, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return nil, errors.New(lang.L("is empty: give the proxy as http://host:port"))
	}
	if !strings.Contains(raw, "://") {
		raw = "http://" + raw
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, errors.New(lang.L("is not a URL such as http://proxy.example.com:8080"))
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, errors.New(lang.L("must start with http:// or https:// (SOCKS proxies are not supported)"))
	}
	if u.Hostname() == "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "" {
		return nil, errors.New(lang.L("is not a URL such as http://proxy.example.com:8080"))
	}
	u.Path = ""
	return u, nil
}

// registerProxy adds the proxy flags of monitor and send.
func (f *hubConnFlags) registerProxy(fs *flag.FlagSet) {
	fs.StringVar(&f.proxy, "proxy", "", lang.L("connect through this HTTP proxy, http://[user@]host:port (implies --websocket; password in QPYHUB_PROXY_PASSWORD)"))
	fs.BoolVar(&f.proxyFromEnv, "proxy-from-env", false, lang.L("connect through the proxy named by HTTPS_PROXY and NO_PROXY (implies --websocket)"))
}

// proxyFunc is the proxy the flags ask for; flagName names the flag at fault.
func (f *hubConnFlags) proxyFunc() (proxy func(*http.Request) (*url.URL, error), flagName string, err error) {
	switch {
	case f.proxy != "" && f.proxyFromEnv:
		return nil, "--proxy", errors.New(lang.L("cannot be used with --proxy-from-env"))
	case f.proxyFromEnv:
		p, err := ProxyFunc(ProxyEnvironment, "", "", "")
		return p, "--proxy-from-env", err
	case f.proxy == "":
		return nil, "", nil
	}
	u, err := parseProxyURL(f.proxy)
	if err != nil {
		return nil, "--proxy", err
	}
	var user, password string
	if u.User != nil {
		user = u.User.Username()
		password, _ = u.User.Password()
		if p, ok := os.LookupEnv(envProxyPassword); ok && password == "" {
			password = p
		}
	}
	p, err := ProxyFunc(ProxyManual, u.String(), user, password)
	return p, "--proxy", err
}
