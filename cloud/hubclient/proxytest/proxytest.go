// Package proxytest is a small HTTP CONNECT proxy on loopback for tests of
// proxied connections: it asks for Basic authentication, tunnels only to
// loopback addresses, and counts what it let through and what it refused.
// Only tests import it.
package proxytest

import (
	"crypto/x509"
	"encoding/base64"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
)

// Proxy is a running CONNECT proxy.
type Proxy struct {
	srv            *httptest.Server
	user, password string

	mu       sync.Mutex
	tunnels  []string // targets of tunnels opened
	refused  []int    // statuses of CONNECTs refused
	conns    []net.Conn
	closed   bool
	copiers  sync.WaitGroup
	onlyHost string
}

// Start runs a proxy on 127.0.0.1 that wants user and password (none when
// user is ""); with useTLS it speaks TLS itself, as an https:// proxy.
func Start(user, password string, useTLS bool) *Proxy {
	p := &Proxy{user: user, password: password}
	p.srv = httptest.NewUnstartedServer(http.HandlerFunc(p.serve))
	// Refused handshakes are what some tests are about, not news.
	p.srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	if useTLS {
		p.srv.StartTLS()
	} else {
		p.srv.Start()
	}
	return p
}

// OnlyTo makes the proxy refuse (403) tunnels to any other host:port.
func (p *Proxy) OnlyTo(hostPort string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.onlyHost = hostPort
}

// URL is the proxy's address with the given credentials ("" for none).
func (p *Proxy) URL(user, password string) *url.URL {
	u, _ := url.Parse(p.srv.URL)
	if user != "" {
		u.User = url.UserPassword(user, password)
	}
	return u
}

// RootCAs trusts the certificate an https:// proxy presents.
func (p *Proxy) RootCAs() *x509.CertPool {
	pool := x509.NewCertPool()
	pool.AddCert(p.srv.Certificate())
	return pool
}

// Tunnels lists the targets of the tunnels opened so far.
func (p *Proxy) Tunnels() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.tunnels...)
}

// Refused lists the status codes of the CONNECTs refused so far.
func (p *Proxy) Refused() []int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]int(nil), p.refused...)
}

// Close stops the proxy and every tunnel, and waits for them.
func (p *Proxy) Close() {
	p.srv.Close()
	p.mu.Lock()
	p.closed = true
	for _, c := range p.conns {
		c.Close()
	}
	p.mu.Unlock()
	p.copiers.Wait()
}

func (p *Proxy) refuse(w http.ResponseWriter, status int) {
	p.mu.Lock()
	p.refused = append(p.refused, status)
	p.mu.Unlock()
	if status == http.StatusProxyAuthRequired {
		w.Header().Set("Proxy-Authenticate", `Basic realm="proxytest"`)
	}
	w.WriteHeader(status)
}

func (p *Proxy) serve(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodConnect {
		p.refuse(w, http.StatusMethodNotAllowed)
		return
	}
	if p.user != "" {
		want := "Basic " + base64.StdEncoding.EncodeToString([]byte(p.user+":"+p.password))
		if r.Header.Get("Proxy-Authorization") != want {
			p.refuse(w, http.StatusProxyAuthRequired)
			return
		}
	}
	host, _, err := net.SplitHostPort(r.Host)
	ip := net.ParseIP(host)
	p.mu.Lock()
	only := p.onlyHost
	p.mu.Unlock()
	if err != nil || ip == nil || !ip.IsLoopback() || (only != "" && r.Host != only) {
		p.refuse(w, http.StatusForbidden)
		return
	}
	upstream, err := net.Dial("tcp", r.Host)
	if err != nil {
		p.refuse(w, http.StatusBadGateway)
		return
	}
	client, buf, err := w.(http.Hijacker).Hijack()
	if err != nil {
		upstream.Close()
		return
	}
	if _, err := client.Write([]byte("HTTP/1.1 200 Connection established\r\n\r\n")); err != nil {
		upstream.Close()
		client.Close()
		return
	}
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		upstream.Close()
		client.Close()
		return
	}
	p.tunnels = append(p.tunnels, r.Host)
	p.conns = append(p.conns, client, upstream)
	p.copiers.Add(2)
	p.mu.Unlock()
	go func() {
		defer p.copiers.Done()
		_, _ = io.Copy(upstream, buf) // buf holds anything the client sent early
		upstream.Close()
	}()
	go func() {
		defer p.copiers.Done()
		_, _ = io.Copy(client, upstream)
		client.Close()
	}()
}
