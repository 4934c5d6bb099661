package registry

import (
	"context"
	"crypto/tls"
	"errors"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"qpyhub/cloud"
)

// recordingTransport passes requests to the real transport and keeps a
// copy of what was sent.
type recordingTransport struct {
	next http.RoundTripper
	mu   sync.Mutex
	sent []*http.Request
}

func (rt *recordingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	rt.mu.Lock()
	rt.sent = append(rt.sent, req.Clone(context.Background()))
	rt.mu.Unlock()
	return rt.next.RoundTrip(req)
}

func TestRequestsOnTheWire(t *testing.T) {
	hub := startHub(t)
	ctx := testContext(t)
	rt := &recordingTransport{next: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: hubRoots(t, hub)}}}
	// A clock that moves a second per request shows each token is new.
	var mu sync.Mutex
	clock := time.Now()
	now := func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		clock = clock.Add(time.Second)
		return clock
	}
	c, err := New(hub.PolicyConnectionString("registryReadWrite"), Options{
		BaseURL: hub.HTTPURL(), HTTPClient: &http.Client{Transport: rt}, Now: now,
	})
	if err != nil {
		t.Fatal(err)
	}
	id := "odd%x?"
	if _, err := c.CreateDevice(ctx, id); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetDevice(ctx, id); err != nil {
		t.Fatal(err)
	}
	if err := c.DeleteDevice(ctx, id); err != nil {
		t.Fatal(err)
	}

	wantMethods := []string{"PUT", "GET", "DELETE"}
	if len(rt.sent) != len(wantMethods) {
		t.Fatalf("sent %d requests, want %d", len(rt.sent), len(wantMethods))
	}
	var lastExpiry time.Time
	for i, req := range rt.sent {
		if req.Method != wantMethods[i] {
			t.Errorf("request %d method %s, want %s", i, req.Method, wantMethods[i])
		}
		if got := req.URL.EscapedPath(); got != "/devices/odd%25x%3F" {
			t.Errorf("request %d path %s, want the id escaped as one segment", i, got)
		}
		if got := req.URL.RawQuery; got != "api-version=2021-04-12" {
			t.Errorf("request %d query %q", i, got)
		}
		tok, err := cloud.ParseSASToken(req.Header.Get("Authorization"))
		if err != nil {
			t.Fatalf("request %d Authorization: %v", i, err)
		}
		if tok.Resource != "localhost" || tok.KeyName != "registryReadWrite" {
			t.Errorf("request %d token sr=%q skn=%q, want the hub host and the policy", i, tok.Resource, tok.KeyName)
		}
		if ttl := tok.Expiry.Sub(clock); ttl > tokenTTL || ttl <= 0 {
			t.Errorf("request %d token lives %v past the last request, want at most %v", i, ttl, tokenTTL)
		}
		if !tok.Expiry.After(lastExpiry) {
			t.Errorf("request %d reuses an earlier token (expiry %v)", i, tok.Expiry)
		}
		lastExpiry = tok.Expiry
	}
	if got := rt.sent[2].Header.Get("If-Match"); got != `"*"` {
		t.Errorf("DELETE If-Match %q, want \"*\"", got)
	}
	if got := rt.sent[0].Header.Get("If-Match"); got != "" {
		t.Errorf("PUT If-Match %q: a create must not overwrite", got)
	}
}

func TestUnreachableHub(t *testing.T) {
	hub := startHub(t)
	c, err := New(hub.PolicyConnectionString("iothubowner"), Options{
		BaseURL: "https://" + unusedLoopbackAddr(t), RootCAs: hubRoots(t, hub),
	})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.CreateDevice(testContext(t), "dev1")
	var re *RequestError
	if !errors.As(err, &re) || !errors.Is(err, ErrUnreachable) || re.Status != 0 || re.Err == nil {
		t.Fatalf("error %v, want ErrUnreachable with the network cause", err)
	}
	if !strings.Contains(err.Error(), "cannot reach the hub") {
		t.Errorf("error %q does not say the hub cannot be reached", err)
	}
}

func TestUntrustedHub(t *testing.T) {
	hub := startHub(t)
	// The embedded roots are Azure's; the local hub's CA is not among them.
	c, err := New(hub.PolicyConnectionString("iothubowner"), Options{BaseURL: hub.HTTPURL()})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.CreateDevice(testContext(t), "dev1")
	if !errors.Is(err, ErrUntrusted) {
		t.Fatalf("error %v, want ErrUntrusted", err)
	}
	if _, ok := hub.Device("dev1"); ok {
		t.Error("device created over an unverified connection")
	}
}

// silentListener accepts connections and never answers, like a hub
// behind a dead link.
func silentListener(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	t.Cleanup(func() { ln.Close(); wg.Wait() })
	wg.Add(1)
	go func() {
		defer wg.Done()
		var conns []net.Conn
		defer func() {
			for _, c := range conns {
				c.Close()
			}
		}()
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			conns = append(conns, conn)
		}
	}()
	return ln.Addr().String()
}

func TestRequestTimeoutAndCancel(t *testing.T) {
	hub := startHub(t)
	addr := silentListener(t)
	c, err := New(hub.PolicyConnectionString("iothubowner"), Options{
		BaseURL: "https://" + addr, RootCAs: hubRoots(t, hub), Timeout: 50 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.GetDevice(testContext(t), "dev1")
	var re *RequestError
	if !errors.As(err, &re) || !errors.Is(err, ErrTimeout) {
		t.Fatalf("error %v, want ErrTimeout", err)
	}

	ctx, cancel := context.WithCancel(testContext(t))
	cancel()
	_, err = c.GetDevice(ctx, "dev1")
	if !errors.Is(err, context.Canceled) || errors.Is(err, ErrTimeout) {
		t.Fatalf("error %v, want context.Canceled (the caller gave up, not the hub)", err)
	}
}

func TestNewRefusesInput(t *testing.T) {
	hub := startHub(t)
	deviceCS, err := func() (string, error) {
		if _, err := hub.AddDevice("dev1"); err != nil {
			return "", err
		}
		return hub.DeviceConnectionString("dev1")
	}()
	if err != nil {
		t.Fatal(err)
	}
	policyCS := hub.PolicyConnectionString("iothubowner")
	tests := []struct {
		name, cs, base string
		field, reason  string
	}{
		{"device string", deviceCS, "", "hub connection string", ReasonDeviceString},
		{"not a connection string", "hello", "", "hub connection string", ReasonUnreadable},
		{"policy with a token", "HostName=h;SharedAccessKeyName=p;SharedAccessSignature=SharedAccessSignature sr=h&sig=YWJj&se=99999999999&skn=p", "", "hub connection string", ReasonNoPolicyKey},
		{"plain http", policyCS, "http://127.0.0.1:1", "BaseURL", ReasonBadBaseURL},
		{"no host", policyCS, "https://", "BaseURL", ReasonBadBaseURL},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := New(tc.cs, Options{BaseURL: tc.base})
			var ce *cloud.FieldError
			if !errors.As(err, &ce) || ce.Field != tc.field || ce.Reason != tc.reason {
				t.Fatalf("New = %v, want %s %s", err, tc.field, tc.reason)
			}
			if key := "SharedAccessKey="; strings.Contains(err.Error(), key) {
				t.Errorf("error %q repeats the connection string", err)
			}
		})
	}
}

func TestCleanMessage(t *testing.T) {
	got := cleanMessage(`ErrorCode:Unauthorized;token sr=h&sig=abc%2B=&se=1 refused`)
	if strings.Contains(got, "abc") || !strings.Contains(got, "sig=****") {
		t.Errorf("signature not masked: %q", got)
	}
	long := strings.Repeat("设备", maxMessage)
	got = cleanMessage(long)
	if !utf8.ValidString(got) || len(got) > maxMessage+len("…") || !strings.HasSuffix(got, "…") {
		t.Errorf("long message trimmed to %d bytes, valid UTF-8 %v", len(got), utf8.ValidString(got))
	}
	if got := cleanMessage("short"); got != "short" {
		t.Errorf("short message changed to %q", got)
	}
}
