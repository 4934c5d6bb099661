package registry

import (
	"context"
	"net/http"

	"qpyhub/cloud"
)

// Device statuses, as the registry spells them.
const (
	StatusEnabled  = "enabled"
	StatusDisabled = "disabled"
)

// SetStatus enables or disables a device ("enabled" or "disabled"); a
// disabled device cannot connect. The identity is read first because the
// registry replaces the whole identity on update.
func (c *Client) SetStatus(ctx context.Context, id, status string) (Device, error) {
	if err := cloud.ValidateDeviceID("device id", id); err != nil {
		return Device{}, err
	}
	var cur deviceJSON
	if err := c.do(ctx, call{op: "get device", method: http.MethodGet, deviceID: id, out: &cur}); err != nil {
		return Device{}, err
	}
	cur.Status = status
	if cur.Authentication.Type == "" {
		cur.Authentication.Type = "sas"
	}
	var got deviceJSON
	err := c.do(ctx, call{op: "set device status", method: http.MethodPut, deviceID: id, body: cur, out: &got,
		header: map[string]string{"If-Match": `"*"`}})
	if err != nil {
		return Device{}, err
	}
	return got.device(), nil
}
