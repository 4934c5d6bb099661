package hubclient

import (
	"context"
	"crypto/tls"
	"net"
	"net/url"

	mqtt "github.com/eclipse/paho.mqtt.golang"

	"qpyhub/cloud/internal/wsdial"
)

// webSocketOpener dials wss connections for paho through Config.Proxy;
// attempts end with ctx (the session closing).
func (c Config) webSocketOpener(ctx context.Context, tlsCfg *tls.Config) mqtt.OpenConnectionFunc {
	return func(broker *url.URL, _ mqtt.ClientOptions) (net.Conn, error) {
		return wsdial.Dial(ctx, broker, tlsCfg, connectTimeout, c.Proxy, c.ProxyRootCAs)
	}
}
