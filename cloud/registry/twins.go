package registry

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"time"

	"qpyhub/cloud"
)

// maxTwinAnswer caps one twin (IoT Hub allows 32 KB of each property set
// and 8 KB of tags) or one method answer (128 KB).
const maxTwinAnswer = 256 << 10

// Twin is a device twin as the registry's query and twin calls show it.
type Twin struct {
	DeviceID         string         `json:"deviceId"`
	Status           string         `json:"status"`
	ConnectionState  string         `json:"connectionState"`
	LastActivityTime string         `json:"lastActivityTime"`
	ETag             string         `json:"etag"`
	Version          int64          `json:"version"`
	Tags             map[string]any `json:"tags"`
	Properties       struct {
		Desired  map[string]any `json:"desired"`
		Reported map[string]any `json:"reported"`
	} `json:"properties"`
}

// GetTwin reads one device's twin.
func (c *Client) GetTwin(ctx context.Context, id string) (Twin, error) {
	if err := cloud.ValidateDeviceID("device id", id); err != nil {
		return Twin{}, err
	}
	var tw Twin
	err := c.do(ctx, call{op: "get twin", method: http.MethodGet, deviceID: id, path: "/twins/" + url.PathEscape(id),
		out: &tw, limit: maxTwinAnswer})
	return tw, err
}

// UpdateTwin merges desired properties and tags (either may be nil; null
// values delete) into one device's twin and returns the twin after.
func (c *Client) UpdateTwin(ctx context.Context, id string, desired, tags map[string]any) (Twin, error) {
	if err := cloud.ValidateDeviceID("device id", id); err != nil {
		return Twin{}, err
	}
	body := map[string]any{}
	if tags != nil {
		body["tags"] = tags
	}
	if desired != nil {
		body["properties"] = map[string]any{"desired": desired}
	}
	var tw Twin
	err := c.do(ctx, call{op: "update twin", method: http.MethodPatch, deviceID: id, path: "/twins/" + url.PathEscape(id),
		body: body, out: &tw, limit: maxTwinAnswer, header: map[string]string{"If-Match": `"*"`}})
	return tw, err
}

// MethodResult is a device's answer to a direct method.
type MethodResult struct {
	Status  int             `json:"status"`
	Payload json.RawMessage `json:"payload"`
}

// InvokeMethod calls a direct method on one device and waits up to
// timeout (5 s to 300 s; 0 means 30 s) for its answer. An offline device
// fails with ErrDeviceOffline, a silent one with ErrMethodTimeout.
func (c *Client) InvokeMethod(ctx context.Context, id, method string, payload json.RawMessage, timeout time.Duration) (MethodResult, error) {
	if err := cloud.ValidateDeviceID("device id", id); err != nil {
		return MethodResult{}, err
	}
	seconds := methodSeconds(timeout)
	if len(payload) == 0 {
		payload = json.RawMessage("null")
	}
	body := map[string]any{"methodName": method, "payload": payload, "responseTimeoutInSeconds": seconds}
	var res MethodResult
	// The request waits as long as the device may, plus the client's
	// own bound for the round trip.
	err := c.do(ctx, call{op: "invoke " + strings.TrimSpace(method), method: http.MethodPost, deviceID: id,
		path: "/twins/" + url.PathEscape(id) + "/methods", body: body, out: &res, limit: maxTwinAnswer,
		wait: time.Duration(seconds)*time.Second + c.timeout})
	return res, refine(err, "method")
}

// methodSeconds turns a timeout into IoT Hub's responseTimeoutInSeconds,
// within the 5 to 300 s it accepts.
func methodSeconds(timeout time.Duration) int {
	if timeout <= 0 {
		return 30
	}
	return min(max(int((timeout+time.Second-1)/time.Second), 5), 300)
}
