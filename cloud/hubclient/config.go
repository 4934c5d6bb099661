package hubclient

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"qpyhub/assets"
	"qpyhub/cloud"
)

// Defaults and limits for Config.
const (
	DefaultTokenTTL       = time.Hour
	DefaultKeepAlive      = 120 * time.Second
	MaxKeepAlive          = 1177 * time.Second // the hub's upper bound
	DefaultEventBuffer    = 256
	DefaultRequestTimeout = 30 * time.Second
	websocketPath         = "/$iothub/websocket"
)

// Config says whom to connect as and how.
type Config struct {
	// Identity is the device (or module) and its secret: a Key, from which
	// a token is minted on every connect, or only a pasted Token.
	Identity cloud.DeviceIdentity
	// WebSocket selects MQTT over wss://host:443/$iothub/websocket, for
	// networks that block port 8883.
	WebSocket bool
	// ServerAddr overrides where to dial: "host:port" or a full
	// ssl://, tls://, mqtts:// or wss:// URL. The TLS server name stays the
	// hub host unless ServerAddr names another host by DNS name.
	ServerAddr string
	// RootCAs verifies the server; nil means CAFile if set, else the
	// embedded roots (DigiCert Global Root G2, Microsoft RSA Root CA 2017).
	RootCAs *x509.CertPool
	// CAFile is a PEM file whose certificates replace the embedded roots.
	CAFile string
	// Proxy picks the HTTP proxy that tunnels the WebSocket connection
	// (CONNECT, Basic authentication from the URL's user and password):
	// http.ProxyURL(u) for one proxy, http.ProxyFromEnvironment for
	// HTTPS_PROXY/NO_PROXY; nil means none. Needs WebSocket.
	Proxy func(*http.Request) (*url.URL, error)
	// ProxyRootCAs verifies an https:// proxy; nil means the system's roots.
	ProxyRootCAs *x509.CertPool
	// TokenTTL is the lifetime of each minted token (default 1 h); the
	// session reconnects with a new token at 80 % of it.
	TokenTTL time.Duration
	// KeepAlive is the MQTT keep-alive (default 120 s, at most 1177 s).
	KeepAlive time.Duration
	// CleanSession asks the hub to drop queued messages; default false.
	CleanSession bool
	// RequestTimeout bounds twin requests when ctx has no earlier deadline.
	RequestTimeout time.Duration
	// Now is the clock for token expiries; nil means time.Now.
	Now func() time.Time
	// Logger receives diagnostics (never secrets); nil discards them.
	Logger *slog.Logger
	// EventBuffer is how many events other than cloud-to-device messages
	// wait for a reader before the oldest is dropped (default 256).
	// Cloud-to-device messages are never dropped (see Session.Events).
	EventBuffer int
}

// withDefaults fills unset fields and checks the rest.
func (c Config) withDefaults() (Config, error) {
	if c.Identity.Host == "" || c.Identity.DeviceID == "" {
		return c, &cloud.FieldError{Field: "identity", Reason: ReasonNoIdentity}
	}
	if c.Identity.Key == "" && c.Identity.Token == "" {
		return c, &cloud.FieldError{Field: "identity", Reason: ReasonNoSecret}
	}
	if c.Proxy != nil && !c.WebSocket {
		return c, &cloud.FieldError{Field: "proxy", Reason: ReasonProxyNeedsWebSocket}
	}
	if c.TokenTTL == 0 {
		c.TokenTTL = DefaultTokenTTL
	}
	if c.TokenTTL < 0 {
		return c, &cloud.FieldError{Field: "TokenTTL", Reason: ReasonNotPositive}
	}
	if c.KeepAlive == 0 {
		c.KeepAlive = DefaultKeepAlive
	}
	if c.KeepAlive < time.Second || c.KeepAlive > MaxKeepAlive {
		return c, &cloud.FieldError{Field: "KeepAlive", Reason: ReasonKeepAliveRange}
	}
	if c.RequestTimeout <= 0 {
		c.RequestTimeout = DefaultRequestTimeout
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.EventBuffer <= 0 {
		c.EventBuffer = DefaultEventBuffer
	}
	return c, nil
}

// brokerURL is the URL paho dials.
func (c Config) brokerURL() (*url.URL, error) {
	host, port := c.Identity.Host, "8883"
	if c.WebSocket {
		port = "443"
	}
	addr := c.ServerAddr
	if strings.Contains(addr, "://") {
		u, err := url.Parse(addr)
		if err != nil {
			return nil, &cloud.FieldError{Field: "server", Reason: ReasonBadServer}
		}
		switch u.Scheme {
		case "ssl", "tls", "mqtts", "wss":
			return u, nil
		}
		return nil, &cloud.FieldError{Field: "server", Reason: ReasonBadServer}
	}
	if addr != "" {
		h, p, err := net.SplitHostPort(addr)
		if err != nil || h == "" {
			return nil, &cloud.FieldError{Field: "server", Reason: ReasonBadServer}
		}
		if _, err := strconv.ParseUint(p, 10, 16); err != nil {
			return nil, &cloud.FieldError{Field: "server", Reason: ReasonBadServer}
		}
		host, port = h, p
	}
	if c.WebSocket {
		return &url.URL{Scheme: "wss", Host: net.JoinHostPort(host, port), Path: websocketPath}, nil
	}
	return &url.URL{Scheme: "ssl", Host: net.JoinHostPort(host, port)}, nil
}

// tlsConfig verifies the server against the configured roots, under the
// hub's name unless the override dials another host by name. The session
// calls it on every connection attempt, so a CA file replaced while the
// session retries is used on the next attempt.
func (c Config) tlsConfig(broker *url.URL) (*tls.Config, error) {
	roots := c.RootCAs
	if roots == nil && c.CAFile != "" {
		pem, err := os.ReadFile(c.CAFile)
		if err != nil {
			return nil, fmt.Errorf("%w: %w", &cloud.FieldError{Field: "CA file", Reason: ReasonCAUnreadable}, err)
		}
		roots = x509.NewCertPool()
		if !roots.AppendCertsFromPEM(pem) {
			return nil, &cloud.FieldError{Field: "CA file", Reason: ReasonCANoCert}
		}
	}
	if roots == nil {
		var err error
		if roots, err = assets.RootCAs(); err != nil {
			return nil, fmt.Errorf("hubclient: embedded root certificates: %w", err)
		}
	}
	serverName := c.Identity.Host
	if h := broker.Hostname(); h != "" && net.ParseIP(h) == nil && h != "localhost" {
		serverName = h
	}
	return &tls.Config{MinVersion: tls.VersionTLS12, RootCAs: roots, ServerName: serverName}, nil
}
