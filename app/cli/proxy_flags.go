package cli

import (
	"errors"
	"flag"
	"net/http"
	"net/url"
	"os"

	"fyne.io/fyne/v2/lang"

	"qpyhub/app/netproxy"
)

// envProxyPassword keeps the proxy password out of the shell history and
// the process list, like QPYHUB_KEY does for device keys.
const envProxyPassword = "QPYHUB_PROXY_PASSWORD"

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
		p, err := netproxy.Func(netproxy.Config{Mode: netproxy.Environment})
		return p, "--proxy-from-env", err
	case f.proxy == "":
		return nil, "", nil
	}
	u, err := netproxy.ParseURL(f.proxy)
	if err != nil {
		return nil, "--proxy", errors.New(lang.L(err.Error()))
	}
	var user, password string
	if u.User != nil {
		user = u.User.Username()
		password, _ = u.User.Password()
		if p, ok := os.LookupEnv(envProxyPassword); ok && password == "" {
			password = p
		}
	}
	u.User = nil
	p, err := netproxy.Func(netproxy.Config{Mode: netproxy.Manual, URL: u.String(), User: user, Password: password})
	return p, "--proxy", err
}
