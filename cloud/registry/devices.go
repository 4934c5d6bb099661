package registry

import (
	"context"
	"net/http"

	"qpyhub/cloud"
)

// Device is a device identity as the hub keeps it.
type Device struct {
	DeviceID     string
	PrimaryKey   string // base64; a secret
	SecondaryKey string // base64; a secret
	Status       string // "enabled" or "disabled"
}

// String describes the device with its keys masked, so printing it with
// %v cannot leak them.
func (d Device) String() string {
	return "device " + d.DeviceID + " (" + d.Status + ", keys ****)"
}

// deviceJSON is the registry API's device identity, as much of it as
// this package sends and reads.
type deviceJSON struct {
	DeviceID       string `json:"deviceId"`
	Status         string `json:"status,omitempty"`
	Authentication struct {
		Type         string `json:"type"`
		SymmetricKey struct {
			PrimaryKey   string `json:"primaryKey"`
			SecondaryKey string `json:"secondaryKey"`
		} `json:"symmetricKey"`
	} `json:"authentication"`
}

func (d deviceJSON) device() Device {
	return Device{
		DeviceID:     d.DeviceID,
		PrimaryKey:   d.Authentication.SymmetricKey.PrimaryKey,
		SecondaryKey: d.Authentication.SymmetricKey.SecondaryKey,
		Status:       d.Status,
	}
}

// CreateDevice registers a new device with SAS authentication and lets
// the hub generate both keys. An id that is already registered fails
// with a *RequestError matching ErrDeviceExists.
func (c *Client) CreateDevice(ctx context.Context, id string) (Device, error) {
	if err := cloud.ValidateDeviceID("device id", id); err != nil {
		return Device{}, err
	}
	var req deviceJSON
	req.DeviceID = id
	req.Authentication.Type = "sas" // empty keys: the hub makes them
	var got deviceJSON
	err := c.do(ctx, call{op: "create device", method: http.MethodPut, deviceID: id, body: req, out: &got})
	if err != nil {
		return Device{}, err
	}
	return got.device(), nil
}

// GetDevice reads a device identity, keys included; an unknown id fails
// with a *RequestError matching ErrDeviceNotFound.
func (c *Client) GetDevice(ctx context.Context, id string) (Device, error) {
	if err := cloud.ValidateDeviceID("device id", id); err != nil {
		return Device{}, err
	}
	var got deviceJSON
	if err := c.do(ctx, call{op: "get device", method: http.MethodGet, deviceID: id, out: &got}); err != nil {
		return Device{}, err
	}
	return got.device(), nil
}

// DeleteDevice removes a device identity whatever its version
// (If-Match: "*"); an unknown id fails with ErrDeviceNotFound.
func (c *Client) DeleteDevice(ctx context.Context, id string) error {
	if err := cloud.ValidateDeviceID("device id", id); err != nil {
		return err
	}
	return c.do(ctx, call{op: "delete device", method: http.MethodDelete, deviceID: id,
		header: map[string]string{"If-Match": `"*"`}})
}
