package cli

import (
	"context"
	"errors"
	"flag"

	"fyne.io/fyne/v2/lang"

	"qpyhub/cloud"
	"qpyhub/cloud/hubclient"
)

// hubConnFlags are the flags monitor and send use to connect as a device;
// setup takes only the proxy ones (proxy_flags.go).
type hubConnFlags struct {
	connStr, caFile, server, proxy string
	websocket, proxyFromEnv        bool
}

func (f *hubConnFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.connStr, "connection-string", "", lang.L("device connection string (or set QPYHUB_CONNECTION_STRING)"))
	fs.StringVar(&f.caFile, "ca", "", lang.L("PEM file of the CA to trust instead of the built-in roots (a local hub's CA)"))
	fs.StringVar(&f.server, "server", "", lang.L("dial this host:port instead of the hub host (a local hub)"))
	fs.BoolVar(&f.websocket, "websocket", false, lang.L("use MQTT over WebSockets on port 443"))
	f.registerProxy(fs)
}

// connect builds and connects a device session.
func (f *hubConnFlags) connect(ctx context.Context, c *call) (*hubclient.Session, error) {
	cs := f.connStr
	if cs == "" {
		cs = c.env(envConnectionString)
	}
	if cs == "" {
		return nil, badArg("--connection-string", lang.L("is missing (or set QPYHUB_CONNECTION_STRING)"))
	}
	parsed, err := cloud.ParseConnectionString(cs)
	if err == nil {
		var id cloud.DeviceIdentity
		if id, err = cloud.IdentityFromConnectionString(parsed); err == nil {
			return f.dial(ctx, id)
		}
	}
	return nil, badArg("--connection-string", fieldWhy(err))
}

func (f *hubConnFlags) dial(ctx context.Context, id cloud.DeviceIdentity) (*hubclient.Session, error) {
	proxy, proxyFlag, err := f.proxyFunc()
	if err != nil {
		return nil, badArg(proxyFlag, err.Error())
	}
	s, err := hubclient.New(hubclient.Config{Identity: id, WebSocket: f.websocket || proxy != nil, ServerAddr: f.server, CAFile: f.caFile, Proxy: proxy})
	var ce *cloud.FieldError
	switch {
	case errors.As(err, &ce) && ce.Field == "server":
		return nil, badArg("--server", lang.L(ce.Reason))
	case errors.As(err, &ce) && ce.Field == "CA file":
		return nil, badArg("--ca", lang.L(ce.Reason))
	case err != nil:
		return nil, badArg("--connection-string", err.Error())
	}
	if err := s.Connect(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}
