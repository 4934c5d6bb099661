package ota

import (
	"context"
	"errors"

	"qpyhub/cloud"
	"qpyhub/cloud/registry"
)

// Targets are the modules an update is for: devices named one by one, or
// every device a registry query's condition matches.
type Targets struct {
	DeviceIDs []string
	Query     string // "WHERE tags.product = 'meter'"; a leading WHERE is optional
	// All is every device of the hub (for Status; Start needs the
	// modules named).
	All bool
}

// Check refuses no target, both kinds at once, and bad device ids.
func (t Targets) Check() error {
	switch {
	case t.All && (len(t.DeviceIDs) > 0 || t.Query != ""):
		return errors.New("give --device or --query, not both")
	case t.All:
		return nil
	case len(t.DeviceIDs) == 0 && t.Query == "":
		return errors.New("no modules named: give --device ID (one or more) or --query \"WHERE …\"")
	case len(t.DeviceIDs) > 0 && t.Query != "":
		return errors.New("give --device or --query, not both")
	}
	for _, id := range t.DeviceIDs {
		if err := cloud.ValidateDeviceID("device id", id); err != nil {
			return err
		}
	}
	return nil
}

// queryPage is how many twins one query page asks for.
const queryPage = 100

// twins reads the twin of every target: one by one for named devices (a
// device that cannot be read is an error of its own), page by page for a
// query.
func (t Targets) twins(ctx context.Context, reg *registry.Client) ([]registry.Twin, map[string]error, error) {
	if !t.All && t.Query == "" {
		var out []registry.Twin
		failed := map[string]error{}
		for _, id := range t.DeviceIDs {
			tw, err := reg.GetTwin(ctx, id)
			if ctx.Err() != nil {
				return nil, nil, ctx.Err()
			}
			if err != nil {
				failed[id] = err
				tw = registry.Twin{DeviceID: id}
			}
			out = append(out, tw)
		}
		return out, failed, nil
	}
	var out []registry.Twin
	err := reg.QueryPages(ctx, t.Query, queryPage, func(page []registry.Twin) error {
		out = append(out, page...)
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	return out, nil, nil
}
