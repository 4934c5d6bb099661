package registry

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"qpyhub/assets"
	"qpyhub/cloud"
)

// APIVersion is the registry API version every request names.
const APIVersion = "2021-04-12"

// DefaultTimeout bounds one request when Options.Timeout is zero.
const DefaultTimeout = 30 * time.Second

// tokenTTL is the lifetime of each request's policy token: long enough
// for a slow network and a little clock skew, short enough that a token
// caught in a proxy log is soon useless.
const tokenTTL = 10 * time.Minute

// maxResponse caps how much of an answer is read; a device identity is
// well under 2 KB.
const maxResponse = 64 << 10

// Options adjusts where and how the client talks to the hub. The zero
// value talks to https://{HostName} and verifies it against the embedded
// roots.
type Options struct {
	// BaseURL overrides the hub address, e.g. a local hub's HTTPURL().
	// Tokens still name the connection string's HostName.
	BaseURL string
	// RootCAs verifies the hub; nil means the embedded roots (DigiCert
	// Global Root G2, Microsoft RSA Root CA 2017). Ignored with HTTPClient.
	RootCAs *x509.CertPool
	// HTTPClient replaces the client built from RootCAs, for callers that
	// need their own proxy or transport settings.
	HTTPClient *http.Client
	// Timeout bounds each request when ctx has no earlier deadline;
	// zero means DefaultTimeout.
	Timeout time.Duration
	// Now is the clock for token expiries; nil means time.Now.
	Now func() time.Time
}

// Client calls the registry API of one hub with one shared access policy.
// It is safe for concurrent use.
type Client struct {
	host    string // the hub host tokens are made for
	policy  string // skn
	key     string // the policy key, base64; never logged
	base    *url.URL
	http    *http.Client
	timeout time.Duration
	now     func() time.Time
}

// New makes a client from a hub policy connection string
// ("HostName=…;SharedAccessKeyName=…;SharedAccessKey=…"). A device
// connection string is refused: it cannot manage identities.
func New(policyConnString string, opts Options) (*Client, error) {
	cs, err := cloud.ParseConnectionString(policyConnString)
	if err != nil {
		// The parser's error says which part is wrong; it never holds the key.
		return nil, fmt.Errorf("%w: %w", &cloud.FieldError{Field: "hub connection string", Reason: ReasonUnreadable}, err)
	}
	if cs.IsDevice() {
		return nil, &cloud.FieldError{Field: "hub connection string", Reason: ReasonDeviceString}
	}
	if cs.SharedAccessKey == "" {
		return nil, &cloud.FieldError{Field: "hub connection string", Reason: ReasonNoPolicyKey}
	}
	base := &url.URL{Scheme: "https", Host: cs.HostName}
	if opts.BaseURL != "" {
		base, err = url.Parse(opts.BaseURL)
		if err != nil || base.Scheme != "https" || base.Host == "" {
			return nil, &cloud.FieldError{Field: "BaseURL", Reason: ReasonBadBaseURL}
		}
	}
	hc := opts.HTTPClient
	if hc == nil {
		if hc, err = verifyingClient(opts.RootCAs); err != nil {
			return nil, err
		}
	}
	c := &Client{
		host:    cs.HostName,
		policy:  cs.SharedAccessKeyName,
		key:     cs.SharedAccessKey,
		base:    base,
		http:    hc,
		timeout: opts.Timeout,
		now:     opts.Now,
	}
	if c.timeout <= 0 {
		c.timeout = DefaultTimeout
	}
	if c.now == nil {
		c.now = time.Now
	}
	return c, nil
}

// verifyingClient is an HTTP client that trusts roots (or the embedded
// ones) and otherwise behaves like the default one, proxy settings
// included.
func verifyingClient(roots *x509.CertPool) (*http.Client, error) {
	if roots == nil {
		var err error
		if roots, err = assets.RootCAs(); err != nil {
			return nil, fmt.Errorf("registry: embedded root certificates: %w", err)
		}
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.TLSClientConfig = &tls.Config{MinVersion: tls.VersionTLS12, RootCAs: roots}
	return &http.Client{Transport: tr}, nil
}

// HostName returns the hub host the policy belongs to, the host that goes
// into the devices' connection strings.
func (c *Client) HostName() string { return c.host }

// call describes one registry request.
type call struct {
	op       string // for errors: "create device"
	method   string
	deviceID string
	body     any               // JSON-encoded when not nil
	raw      []byte            // sent as application/octet-stream when not nil
	header   map[string]string // extra headers
	out      any               // decoded from a 2xx answer when not nil
	path     string            // escaped path for calls not on /devices/{id}
	limit    int64             // answer size cap; 0 means maxResponse
	answered *http.Header      // receives the answer's headers when not nil
	wait     time.Duration     // bound on this request; 0 means the client's timeout
}

// do sends one request signed with a fresh token and decodes its answer.
func (c *Client) do(ctx context.Context, rc call) error {
	fail := func(kind error, status int, err error) *RequestError {
		return &RequestError{Op: rc.op, DeviceID: rc.deviceID, Host: c.host, Kind: kind, Status: status, Err: err}
	}
	wait := c.timeout
	if rc.wait > 0 {
		wait = rc.wait
	}
	reqCtx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	req, err := c.newRequest(reqCtx, rc)
	if err != nil {
		return err
	}
	resp, err := c.http.Do(req)
	if err != nil {
		switch {
		case ctx.Err() != nil: // the caller gave up: say so, not "timeout"
			return fmt.Errorf("registry: %s %q: %w", rc.op, rc.deviceID, ctx.Err())
		case errors.Is(err, context.DeadlineExceeded):
			return fail(ErrTimeout, 0, nil)
		}
		return fail(kindOfTransport(err), 0, unwrapURLError(err))
	}
	defer resp.Body.Close()
	limit := rc.limit
	if limit <= 0 {
		limit = maxResponse
	}
	answer, err := io.ReadAll(io.LimitReader(resp.Body, limit))
	if err != nil {
		if reqCtx.Err() != nil && ctx.Err() == nil {
			return fail(ErrTimeout, resp.StatusCode, nil)
		}
		return fail(ErrUnreachable, resp.StatusCode, err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		re := fail(nil, resp.StatusCode, nil)
		re.Code, re.Message = hubMessage(answer)
		re.Kind = kindOfAnswer(resp.StatusCode, re.Message)
		return re
	}
	if rc.answered != nil {
		*rc.answered = resp.Header
	}
	if rc.out != nil {
		if err := json.Unmarshal(answer, rc.out); err != nil {
			return fail(ErrRejected, resp.StatusCode, fmt.Errorf("the answer is not the JSON expected: %w", err))
		}
	}
	return nil
}

// deviceURL is {base}/devices/{id}?api-version=…, with the id escaped as
// one path segment.
func (c *Client) deviceURL(deviceID string) string {
	u := *c.base
	prefix := u.Path
	if len(prefix) > 0 && prefix[len(prefix)-1] == '/' {
		prefix = prefix[:len(prefix)-1]
	}
	u.Path = prefix + "/devices/" + deviceID
	u.RawPath = prefix + "/devices/" + url.PathEscape(deviceID)
	u.RawQuery = "api-version=" + APIVersion
	return u.String()
}

// newRequest builds one signed request: a fresh token, the JSON body,
// the call's headers.
func (c *Client) newRequest(ctx context.Context, rc call) (*http.Request, error) {
	token, err := cloud.NewSASToken(c.host, c.key, c.policy, c.now().Add(tokenTTL))
	if err != nil {
		return nil, fmt.Errorf("registry: sign request: %w", err)
	}
	var body io.Reader
	if rc.body != nil {
		b, err := json.Marshal(rc.body)
		if err != nil {
			return nil, fmt.Errorf("registry: encode request: %w", err)
		}
		body = bytes.NewReader(b)
	}
	if rc.raw != nil {
		body = bytes.NewReader(rc.raw)
	}
	target := c.deviceURL(rc.deviceID)
	if rc.path != "" {
		target = c.pathURL(rc.path)
	}
	req, err := http.NewRequestWithContext(ctx, rc.method, target, body)
	if err != nil {
		return nil, fmt.Errorf("registry: build request: %w", err)
	}
	req.Header.Set("Authorization", token)
	req.Header.Set("Accept", "application/json")
	switch {
	case rc.raw != nil:
		req.Header.Set("Content-Type", "application/octet-stream")
	case body != nil:
		req.Header.Set("Content-Type", "application/json; charset=utf-8")
	}
	for k, v := range rc.header {
		req.Header.Set(k, v)
	}
	return req, nil
}

// pathURL is {base}{path}?api-version=…; path comes escaped.
func (c *Client) pathURL(escapedPath string) string {
	u := *c.base
	prefix := strings.TrimSuffix(u.Path, "/")
	unescaped, err := url.PathUnescape(escapedPath)
	if err != nil {
		unescaped = escapedPath
	}
	u.Path = prefix + unescaped
	u.RawPath = prefix + escapedPath
	u.RawQuery = "api-version=" + APIVersion
	return u.String()
}

// unwrapURLError drops net/http's "Get \"https://…\":" prefix; the
// RequestError already names the call and the host.
func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// hubMessage reads IoT Hub's error body. Both forms are in use:
// {"Message":"ErrorCode:…;…","ExceptionMessage":"…"} and
// {"errorCode":404001,"message":"…","trackingId":"…"}.
func hubMessage(body []byte) (code int, msg string) {
	var e struct {
		Message   string `json:"Message"` // also matches "message"
		ErrorCode int    `json:"errorCode"`
	}
	if json.Unmarshal(body, &e) != nil {
		return 0, ""
	}
	return e.ErrorCode, cleanMessage(e.Message)
}
