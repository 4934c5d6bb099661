package cli

import (
	"context"
	"flag"

	"fyne.io/fyne/v2/lang"
)

// devicesStatusFlags registers "devices enable" or "devices disable".
func devicesStatusFlags(status string) func(fs *flag.FlagSet) runFunc {
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
			return eachDevice(c, ids, func(id string) (string, error) {
				d, err := rc.SetStatus(ctx, id, status)
				return statusWord(d.Status), err
			})
		}
	}
}

// devicesDeleteFlags registers "devices delete": the identities go, and
// with them the devices' twins.
func devicesDeleteFlags(fs *flag.FlagSet) runFunc {
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
		return eachDevice(c, ids, func(id string) (string, error) {
			return lang.L("deleted"), rc.DeleteDevice(ctx, id)
		})
	}
}
