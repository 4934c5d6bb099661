package provision

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"qpyhub/cloud"
)

// serviceAPIVersion is the IoT Hub service API version of twin reads.
const serviceAPIVersion = "2021-04-12"

// cloudChecker reads what the hub knows of a device with a policy
// string: its twin (ServiceConnect), the local hub's telemetry, or its
// connection state (RegistryRead).
type cloudChecker struct {
	base   *url.URL
	host   string
	policy string
	key    string // the policy key; a secret
	http   *http.Client
	now    func() time.Time
}

// errNoRights means the policy may not make that call.
var errNoRights = errors.New("the policy has no right for this call")

func newCloudChecker(policyCS, serviceURL string, tr http.RoundTripper, now func() time.Time) (*cloudChecker, error) {
	cs, err := cloud.ParseConnectionString(policyCS)
	if err != nil {
		return nil, err
	}
	base := &url.URL{Scheme: "https", Host: cs.HostName}
	if serviceURL != "" {
		if base, err = url.Parse(serviceURL); err != nil {
			return nil, err
		}
	}
	return &cloudChecker{base: base, host: cs.HostName, policy: cs.SharedAccessKeyName, key: cs.SharedAccessKey,
		http: &http.Client{Transport: tr, Timeout: 30 * time.Second}, now: now}, nil
}

// get fetches path (with query) and decodes a JSON answer into out.
func (c *cloudChecker) get(ctx context.Context, path string, query url.Values, out any) error {
	tok, err := cloud.NewSASToken(c.host, c.key, c.policy, c.now().Add(10*time.Minute))
	if err != nil {
		return err
	}
	u := *c.base
	u.Path = strings.TrimSuffix(u.Path, "/") + path
	query.Set("api-version", serviceAPIVersion)
	u.RawQuery = query.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", tok)
	resp, err := c.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	switch {
	case err != nil:
		return err
	case resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden:
		return errNoRights
	case resp.StatusCode != http.StatusOK:
		return fmt.Errorf("%s: HTTP %d", path, resp.StatusCode)
	}
	return json.Unmarshal(body, out)
}

// twinReport is the part of a twin the check reads.
type twinReport struct {
	Version int  // reported $version; -1 when the twin could not be read
	Qpyhub  bool // reported.qpyhub is present
}

func (c *cloudChecker) twin(ctx context.Context, id string) (twinReport, error) {
	var t struct {
		Properties struct {
			Reported map[string]json.RawMessage `json:"reported"`
		} `json:"properties"`
	}
	if err := c.get(ctx, "/twins/"+url.PathEscape(id), url.Values{}, &t); err != nil {
		return twinReport{Version: -1}, err
	}
	rep := twinReport{Version: -1}
	if v, ok := t.Properties.Reported["$version"]; ok {
		_ = json.Unmarshal(v, &rep.Version)
	}
	q, ok := t.Properties.Reported["qpyhub"]
	rep.Qpyhub = ok && string(q) != "null"
	return rep, nil
}

// heartbeatSince reports whether the hub kept a heartbeat message of the
// device that arrived after since. Only the local hub serves this read
// (IoT Hub's telemetry goes to Event Hubs).
func (c *cloudChecker) heartbeatSince(ctx context.Context, id string, since time.Time) (bool, error) {
	var msgs []struct {
		Payload []byte `json:"payload"`
	}
	q := url.Values{"since": {since.UTC().Format(time.RFC3339Nano)}}
	if err := c.get(ctx, "/devices/"+url.PathEscape(id)+"/messages/events", q, &msgs); err != nil {
		return false, err
	}
	for _, m := range msgs {
		if strings.Contains(string(m.Payload), `"heartbeat"`) {
			return true, nil
		}
	}
	return false, nil
}

// connected reads the device's connection state from the registry.
func (c *cloudChecker) connected(ctx context.Context, id string) (bool, error) {
	var d struct {
		ConnectionState string `json:"connectionState"`
	}
	if err := c.get(ctx, "/devices/"+url.PathEscape(id), url.Values{}, &d); err != nil {
		return false, err
	}
	return d.ConnectionState == "Connected", nil
}

// confirm asks the hub, every interval until ctx ends, whether the
// device shows itself: twin reported properties newer than baseline, a
// heartbeat since resetAt, or (policy without ServiceConnect) a live
// connection. It answers which, confirmNone when the policy may read
// none of them, or ctx's error.
func (c *cloudChecker) confirm(ctx context.Context, id string, baseline int, resetAt time.Time, interval time.Duration) (string, error) {
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		rights := 0
		t, err := c.twin(ctx, id)
		if err == nil && t.Qpyhub && t.Version > baseline {
			return ConfirmTwin, nil
		}
		rights += countRight(err)
		beat, err := c.heartbeatSince(ctx, id, resetAt)
		if err == nil && beat {
			return ConfirmHeartbeat, nil
		}
		rights += countRight(err)
		if rights == 0 {
			on, err := c.connected(ctx, id)
			if err == nil && on {
				return ConfirmConnection, nil
			}
			if errors.Is(err, errNoRights) {
				return confirmNone, nil
			}
		}
		select {
		case <-ctx.Done():
			return "", ctx.Err()
		case <-tick.C:
		}
	}
}

// countRight is 1 unless err says the policy lacks the right.
func countRight(err error) int {
	if errors.Is(err, errNoRights) {
		return 0
	}
	return 1
}
