package cli

import (
	"context"
	"encoding/json"
	"flag"
	"time"

	"fyne.io/fyne/v2/lang"

	"qpyhub/cloud/registry"
)

// devicesInvokeFlags registers "devices invoke": a direct method on the
// named devices one by one (one answer per device), or on a query as one
// job.
func devicesInvokeFlags(fs *flag.FlagSet) runFunc {
	var hub devicesHub
	hub.register(fs, false)
	var payload jsonValue
	query := fs.String("query", "", lang.L("call every device this condition matches, as one job of the hub"))
	fs.Var(&payload, "payload", lang.L("the method's payload, JSON"))
	timeout := fs.Duration("timeout", 30*time.Second, lang.L("how long each device may take to answer (5s to 5m)"))
	asJSON := fs.Bool("json", false, lang.L("print one JSON object per device"))
	return func(ctx context.Context, c *call, words []string) error {
		method, ids := words[len(words)-1], words[:len(words)-1]
		if err := targets(ids, *query); err != nil {
			return err
		}
		if *timeout < 5*time.Second || *timeout > 5*time.Minute {
			return badArg("--timeout", lang.L("must be from 5s to 5m, for example 30s"))
		}
		rc, err := hub.client(c)
		if err != nil {
			return err
		}
		if *query != "" {
			job, err := rc.StartMethodJob(ctx, *query, method, payload.raw, *timeout)
			if err != nil {
				if ae := queryArgError(err); ae != nil {
					return ae
				}
				return failedUnlessKnown(lang.L("Could not start the job"), err)
			}
			return followJob(ctx, c, rc, job)
		}
		if *asJSON {
			return invokeAsJSON(ctx, c, rc, ids, method, payload.raw, *timeout)
		}
		return eachDevice(c, ids, func(id string) (string, error) {
			res, err := rc.InvokeMethod(ctx, id, method, payload.raw, *timeout)
			return lang.L("status {{.Status}}", map[string]any{"Status": res.Status}) + " " + string(res.Payload), err
		})
	}
}

// methodAnswer is one device's line of invoke --json.
type methodAnswer struct {
	DeviceID string          `json:"deviceId"`
	Status   int             `json:"status,omitempty"`
	Payload  json.RawMessage `json:"payload,omitempty"`
	Error    string          `json:"error,omitempty"`
}

func invokeAsJSON(ctx context.Context, c *call, rc *registry.Client, ids []string, method string, payload json.RawMessage, timeout time.Duration) error {
	out := &outputWriter{w: c.stdout}
	enc := json.NewEncoder(out)
	failures := 0
	for _, id := range ids {
		res, err := rc.InvokeMethod(ctx, id, method, payload, timeout)
		a := methodAnswer{DeviceID: id, Status: res.Status, Payload: res.Payload}
		if err != nil {
			a = methodAnswer{DeviceID: id, Error: failureLine(err)}
			failures++
		}
		_ = enc.Encode(a)
	}
	if out.err != nil {
		return outputFailed(out.err)
	}
	if failures > 0 {
		return errSaid
	}
	return nil
}
