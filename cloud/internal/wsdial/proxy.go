package wsdial

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"net"
	"net/http"
	"net/url"
	"time"
)

// Reasons carried by ProxyError; the packages that use this one list
// them among their own reasons for translation.
const (
	ReasonProxyBadURL      = "the proxy setting is not an http:// or https:// URL with a host"
	ReasonProxyUnreachable = "cannot reach the proxy: check its address and port"
	ReasonProxyTLS         = "the TLS handshake with the https proxy failed: check its address and certificate"
	ReasonProxyAuth        = "the proxy refused the user name or password: check the proxy settings"
	ReasonProxyRefused     = "the proxy refused to open a tunnel to the hub: ask its administrator to allow the hub host on port 443"
	ReasonProxyBroken      = "the proxy did not answer like an HTTP proxy: check its address and port"
)

// Reasons lists every reason a ProxyError carries.
func Reasons() []string {
	return []string{ReasonProxyBadURL, ReasonProxyUnreachable, ReasonProxyTLS,
		ReasonProxyAuth, ReasonProxyRefused, ReasonProxyBroken}
}

// ProxyError says why a tunnel through an HTTP proxy could not be opened.
// Proxy is the proxy's URL with any password replaced by "xxxxx".
type ProxyError struct {
	Reason string
	Proxy  string
	Status string // the proxy's answer to CONNECT, "407 Proxy Authentication Required"; "" without one
	Err    error
}

func (e *ProxyError) Error() string {
	s := "proxy " + e.Proxy + ": "
	switch {
	case e.Status != "":
		return s + "answered " + e.Status
	case e.Err != nil:
		return s + e.Err.Error()
	}
	return s + e.Reason
}

func (e *ProxyError) Unwrap() error { return e.Err }

// Phrase is the reason: the cause and the next step in one constant phrase.
func (e *ProxyError) Phrase() string { return e.Reason }

// Advice is "": the reason names the next step.
func (e *ProxyError) Advice() string { return "" }

// dialTCP opens a TCP connection to addr (the service's host:port),
// through proxy when it names one for target. The TLS to the service is
// then made over it as over a direct connection, so the proxy sees only
// encrypted bytes and the service's certificate is still verified.
func dialTCP(ctx context.Context, addr string, target *url.URL, proxyFor Proxy, proxyRoots *x509.CertPool) (net.Conn, error) {
	var d net.Dialer
	if proxyFor == nil {
		return d.DialContext(ctx, "tcp", addr)
	}
	// Proxy functions (ProxyFromEnvironment) choose by the URL a browser
	// would fetch: wss is https on the wire.
	req := &http.Request{Method: http.MethodGet, Header: http.Header{}, Host: addr,
		URL: &url.URL{Scheme: "https", Host: addr, Path: target.Path}}
	proxy, err := proxyFor(req)
	if err != nil {
		// The cause may quote the raw setting, password and all.
		return nil, &ProxyError{Reason: ReasonProxyBadURL, Proxy: "?"}
	}
	if proxy == nil { // no proxy for this host (NO_PROXY)
		return d.DialContext(ctx, "tcp", addr)
	}
	return tunnel(ctx, proxy, addr, proxyRoots)
}

// tunnel asks an HTTP proxy to CONNECT to target and returns the
// connection, ready for the TLS handshake with the hub.
func tunnel(ctx context.Context, proxy *url.URL, target string, roots *x509.CertPool) (net.Conn, error) {
	pe := &ProxyError{Proxy: proxy.Redacted()}
	proxyAddr, ok := proxyHostPort(proxy)
	if !ok {
		pe.Reason = ReasonProxyBadURL
		return nil, pe
	}
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", proxyAddr)
	if err != nil {
		pe.Reason, pe.Err = ReasonProxyUnreachable, err
		return nil, pe
	}
	// A cancelled attempt (the session closed) must not wait for a silent proxy.
	stop := context.AfterFunc(ctx, func() { _ = conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()
	if deadline, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(deadline)
	}
	if proxy.Scheme == "https" {
		tc := tls.Client(conn, &tls.Config{MinVersion: tls.VersionTLS12, ServerName: proxy.Hostname(), RootCAs: roots})
		if err := tc.HandshakeContext(ctx); err != nil {
			conn.Close()
			pe.Reason, pe.Err = ReasonProxyTLS, err
			return nil, pe
		}
		conn = tc
	}

	req := &http.Request{Method: http.MethodConnect, URL: &url.URL{Opaque: target}, Host: target, Header: http.Header{}}
	if u := proxy.User; u != nil {
		password, _ := u.Password()
		req.Header.Set("Proxy-Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(u.Username()+":"+password)))
	}
	br := bufio.NewReader(conn)
	err = req.Write(conn)
	var resp *http.Response
	if err == nil {
		resp, err = http.ReadResponse(br, req)
	}
	if err != nil {
		conn.Close()
		pe.Reason, pe.Err = ReasonProxyBroken, err
		if ctx.Err() != nil {
			pe.Reason, pe.Err = ReasonProxyUnreachable, ctx.Err()
		}
		return nil, pe
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		conn.Close()
		pe.Reason, pe.Status = ReasonProxyRefused, resp.Status
		if resp.StatusCode == http.StatusProxyAuthRequired {
			pe.Reason = ReasonProxyAuth
		}
		return nil, pe
	}
	_ = conn.SetDeadline(time.Time{})
	if br.Buffered() > 0 { // bytes past the answer belong to the tunnel
		return &bufferedConn{Conn: conn, r: br}, nil
	}
	return conn, nil
}

// proxyHostPort is the proxy's host:port, with the scheme's default port.
func proxyHostPort(u *url.URL) (string, bool) {
	port := u.Port()
	switch {
	case u.Hostname() == "":
		return "", false
	case port != "":
	case u.Scheme == "http":
		port = "80"
	case u.Scheme == "https":
		port = "443"
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return "", false
	}
	return net.JoinHostPort(u.Hostname(), port), true
}

// bufferedConn reads what a bufio.Reader already took off the connection
// before reading the connection itself.
type bufferedConn struct {
	net.Conn
	r *bufio.Reader
}

func (c *bufferedConn) Read(p []byte) (int, error) { return c.r.Read(p) }
