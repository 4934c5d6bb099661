package cli

import (
	"context"
	"flag"

	"fyne.io/fyne/v2/lang"

	"qpyhub/cloud/registry"
)

// devicesStatusFlags registers "devices enable" or "devices disable".
func devicesStatusFlags(status string) func(fs *flag.FlagSet) runFunc {
	return eachDeviceFlags(func(ctx context.Context, rc *registry.Client, id string) (string, error) {
		d, err := rc.SetStatus(ctx, id, status)
		return statusWord(d.Status), err
	})
}

// devicesDeleteFlags registers "devices delete": the identities go, and
// with them the devices' twins.
var devicesDeleteFlags = eachDeviceFlags(func(ctx context.Context, rc *registry.Client, id string) (string, error) {
	return lang.L("deleted"), rc.DeleteDevice(ctx, id)
})

// eachDeviceFlags registers a devices action that takes device ids and
// does one thing to each, printing one result per device.
func eachDeviceFlags(do func(ctx context.Context, rc *registry.Client, id string) (string, error)) func(fs *flag.FlagSet) runFunc {
	return func(fs *flag.FlagSet) runFunc {
		var hub devicesHub
		hub.register(fs, true)
		return func(ctx context.Context, c *call, ids []string) error {
			if err := checkDeviceIDs(ids); err != nil {
				return err
			}
			rc, err := hub.client(c)
			if err != nil {
				return err
			}
			return eachDevice(c, ids, func(id string) (string, error) { return do(ctx, rc, id) })
		}
	}
}
