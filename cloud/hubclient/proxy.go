package hubclient

import "qpyhub/cloud/internal/wsdial"

// Reasons carried by ProxyError, translated by a user interface like the
// other reasons.
const (
	ReasonProxyNeedsWebSocket = "a proxy works only with MQTT over WebSockets (443)"
	ReasonProxyBadURL         = wsdial.ReasonProxyBadURL
	ReasonProxyUnreachable    = wsdial.ReasonProxyUnreachable
	ReasonProxyTLS            = wsdial.ReasonProxyTLS
	ReasonProxyAuth           = wsdial.ReasonProxyAuth
	ReasonProxyRefused        = wsdial.ReasonProxyRefused
	ReasonProxyBroken         = wsdial.ReasonProxyBroken
)

// ProxyError says why a tunnel through an HTTP proxy could not be opened.
// Proxy is the proxy's URL with any password replaced by "xxxxx".
type ProxyError = wsdial.ProxyError
