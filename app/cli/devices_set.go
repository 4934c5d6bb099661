package cli

import (
	"context"
	"flag"
	"fmt"

	"fyne.io/fyne/v2/lang"

	"qpyhub/cloud/registry"
)

// devicesSetFlags registers "devices set": desired properties and tags
// for the named devices one by one, or for a query as one job.
func devicesSetFlags(fs *flag.FlagSet) runFunc {
	var hub devicesHub
	hub.register(fs, true)
	var desired, tags jsonObject
	query := fs.String("query", "", lang.L("change every device this condition matches, as one job of the hub"))
	fs.Var(&desired, "desired", lang.L("desired properties to merge, a JSON object (null removes one)"))
	fs.Var(&tags, "tags", lang.L("tags to merge, a JSON object (null removes one)"))
	return func(ctx context.Context, c *call, ids []string) error {
		if err := targets(ids, *query); err != nil {
			return err
		}
		if desired.m == nil && tags.m == nil {
			return badArg("--desired", lang.L("is missing: give --desired, --tags or both"))
		}
		rc, err := hub.client(c)
		if err != nil {
			return err
		}
		if *query != "" {
			job, err := rc.StartUpdateTwinJob(ctx, *query, desired.m, tags.m)
			if err != nil {
				if ae := queryArgError(err); ae != nil {
					return ae
				}
				return failedUnlessKnown(lang.L("Could not start the job"), err)
			}
			return followJob(ctx, c, rc, job)
		}
		return eachDevice(c, ids, func(id string) (string, error) {
			tw, err := rc.UpdateTwin(ctx, id, desired.m, tags.m)
			if err != nil {
				return "", err
			}
			return lang.L("updated (twin version {{.Version}})", map[string]any{"Version": tw.Version}), nil
		})
	}
}

// eachDevice runs do for every device in turn and prints "ID: result" or
// a failure line naming the device; any failure ends with exit 1.
func eachDevice(c *call, ids []string, do func(id string) (string, error)) error {
	out := &outputWriter{w: c.stdout}
	failures := 0
	for _, id := range ids {
		result, err := do(id)
		if err != nil {
			c.failAbout(id, err)
			failures++
			continue
		}
		fmt.Fprintf(out, "%s: %s\n", id, result)
	}
	if out.err != nil {
		return outputFailed(out.err)
	}
	if failures > 0 {
		return errSaid
	}
	return nil
}

// statusWord is what enable and disable print for a device.
func statusWord(status string) string {
	if status == registry.StatusDisabled {
		return lang.L("disabled")
	}
	return lang.L("enabled")
}
