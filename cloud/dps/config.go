package dps

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"qpyhub/assets"
	"qpyhub/cloud"
)

// Defaults for Config.
const (
	DefaultMinRetry        = time.Second
	DefaultMaxRetry        = 300 * time.Second
	DefaultResponseTimeout = 60 * time.Second
	DefaultTokenTTL        = time.Hour
	// defaultRetry is the wait when DPS answers 202 without retry-after.
	defaultRetry   = 2 * time.Second
	connectTimeout = 30 * time.Second
)

// Config says who registers, where, and how patiently.
type Config struct {
	IDScope        string // the DPS instance, "0ne…"
	RegistrationID string // also the MQTT client id
	DeviceKey      string // base64: the individual enrollment's key, or one derived from a group key
	// Host is the DPS device endpoint; default global.azure-devices-provisioning.net.
	Host string
	// ServerAddr overrides where to dial: "host:port" or a full ssl://,
	// tls://, mqtts:// or wss:// URL. The TLS server name stays Host
	// unless ServerAddr names another host by DNS name.
	ServerAddr string
	// RootCAs verifies the service; nil means the embedded roots.
	RootCAs *x509.CertPool
	// WebSocket selects MQTT over wss://{Host}:443/$iothub/websocket.
	WebSocket bool
	// Proxy picks the HTTP(S) proxy that tunnels the WebSocket connection,
	// as http.Transport.Proxy does; nil connects directly. Needs WebSocket.
	Proxy func(*http.Request) (*url.URL, error)
	// ProxyRootCAs verifies an https:// proxy; nil means the system's roots.
	ProxyRootCAs *x509.CertPool
	// MinRetry and MaxRetry clamp DPS's retry-after hint (default 1 s and
	// 300 s); a local test service may shorten both.
	MinRetry, MaxRetry time.Duration
	// ResponseTimeout bounds the wait for each DPS answer (default 60 s).
	ResponseTimeout time.Duration
	// TokenTTL is the lifetime of the registration token (default 1 h).
	TokenTTL time.Duration
	// Now is the clock for the token; nil means time.Now.
	Now func() time.Time
}

// withDefaults fills unset fields and checks the rest.
func (c Config) withDefaults() (Config, error) {
	if c.Host == "" {
		c.Host = cloud.DPSGlobalHost
	}
	if err := cloud.ValidateHostName("host", c.Host); err != nil {
		return c, err
	}
	if c.MinRetry <= 0 {
		c.MinRetry = DefaultMinRetry
	}
	if c.MaxRetry <= 0 {
		c.MaxRetry = DefaultMaxRetry
	}
	if c.MaxRetry < c.MinRetry {
		return c, &cloud.FieldError{Field: "MaxRetry", Reason: ReasonRetryRange}
	}
	if c.Proxy != nil && !c.WebSocket {
		return c, &cloud.FieldError{Field: "proxy", Reason: ReasonProxyNeedsWebSocket}
	}
	if c.ResponseTimeout <= 0 {
		c.ResponseTimeout = DefaultResponseTimeout
	}
	if c.TokenTTL <= 0 {
		c.TokenTTL = DefaultTokenTTL
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return c, nil
}

// brokerURL is the URL paho dials: the one ServerAddr spells out, or the
// credentials' own address with ServerAddr's host and port if given.
func (c Config) brokerURL(creds cloud.MQTTCredentials) (*url.URL, error) {
	if strings.Contains(c.ServerAddr, "://") {
		u, err := url.Parse(c.ServerAddr)
		if err != nil || u.Host == "" {
			return nil, &cloud.FieldError{Field: "server", Reason: ReasonBadServer}
		}
		switch u.Scheme {
		case "ssl", "tls", "mqtts", "wss":
			return u, nil
		}
		return nil, &cloud.FieldError{Field: "server", Reason: ReasonBadServer}
	}
	creds.Host = c.Host
	if c.ServerAddr != "" {
		h, p, err := net.SplitHostPort(c.ServerAddr)
		port, perr := strconv.ParseUint(p, 10, 16)
		if err != nil || perr != nil || h == "" || port == 0 {
			return nil, &cloud.FieldError{Field: "server", Reason: ReasonBadServer}
		}
		if strings.Contains(h, ":") { // an IPv6 literal keeps its brackets in a URL
			h = "[" + h + "]"
		}
		creds.Host, creds.Port = h, int(port)
	}
	return url.Parse(creds.BrokerURL())
}

// tlsConfig verifies the service under Host, or under the host ServerAddr
// names when that is a DNS name: a numeric or "localhost" override is a
// way to reach Host, not another service.
func (c Config) tlsConfig(broker *url.URL) (*tls.Config, error) {
	roots := c.RootCAs
	if roots == nil {
		var err error
		if roots, err = assets.RootCAs(); err != nil {
			return nil, fmt.Errorf("dps: embedded root certificates: %w", err)
		}
	}
	serverName := c.Host
	if h := broker.Hostname(); h != "" && net.ParseIP(h) == nil && h != "localhost" {
		serverName = h
	}
	return &tls.Config{MinVersion: tls.VersionTLS12, RootCAs: roots, ServerName: serverName}, nil
}
