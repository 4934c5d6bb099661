package desktop

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"fyne.io/fyne/v2/lang"

	"qpyhub/app/provision"
)

// setupRunner runs the Setup screen's plan through the setup pipeline:
// it implements setup.Runner and setup.Restorer. It adds what only the
// window knows (the proxy, the local hub) and holds each port while its
// module is set up; the plan, the progress and the results pass through
// as the pipeline's own.
type setupRunner struct {
	modules *moduleServices // claims the ports, so the terminal keeps off them
	local   *localHub       // nil when the local hub did not start
	log     *slog.Logger    // one line per module; nil discards
	// proxy is the Settings screen's proxy, for the enrollment check
	// from this PC; nil connects directly.
	proxy func(*http.Request) (*url.URL, error)
}

// Run implements setup.Runner. A port the terminal or another operation
// holds fails at once; the others go on.
func (r setupRunner) Run(ctx context.Context, plan provision.Plan, onLocalHub bool, ports []string, progress func(provision.Progress)) []provision.Result {
	out := make([]provision.Result, len(ports))
	plan, err := r.pipelinePlan(plan, onLocalHub)
	if err != nil {
		for i, port := range ports {
			out[i] = failedAtStart(port, err)
		}
		r.logResults(out)
		return out
	}
	var free []string
	at := map[string]int{}
	for i, port := range ports {
		if err := r.claim(port); err != nil {
			out[i] = failedAtStart(port, err)
			continue
		}
		defer r.release(port)
		free = append(free, port)
		at[port] = i
	}
	if len(free) > 0 {
		for _, res := range provision.Run(ctx, plan, free, progress) {
			out[at[res.Port]] = res
		}
	}
	r.logResults(out)
	return out
}

// logResults keeps one line per module: what a support request needs,
// never a key (the record's fields, which hold none).
func (r setupRunner) logResults(results []provision.Result) {
	if r.log == nil {
		return
	}
	for _, res := range results {
		if res.Result == provision.ResultFailed {
			r.log.Warn("setup failed", "port", res.Port, "imei", res.IMEI, "device", res.DeviceID,
				"hub", res.Hub, "stage", res.Stage, "err", res.Error)
			continue
		}
		r.log.Info("setup done", "port", res.Port, "imei", res.IMEI, "device", res.DeviceID,
			"hub", res.Hub, "result", res.Result, "confirmed", res.Confirmed, "confirmation", res.Confirmation,
			"tls", res.TLS, "tlsReason", res.TLSReason)
	}
}

func failedAtStart(port string, err error) provision.Result {
	now := time.Now()
	return provision.Result{Port: port, Result: provision.ResultFailed, Stage: provision.StageModule, Error: err.Error(), Started: now, Finished: now}
}

func (r setupRunner) release(port string) {
	if r.modules != nil {
		r.modules.give(port)
	}
}

func (r setupRunner) claim(port string) error {
	if r.modules == nil {
		return nil
	}
	return r.modules.take(port, holderOperation)
}

// pipelinePlan adds the window's proxy to the screen's plan; on the local
// hub also where to dial, which CA to trust, and a policy to confirm from
// the cloud side.
func (r setupRunner) pipelinePlan(plan provision.Plan, onLocalHub bool) (provision.Plan, error) {
	plan.Proxy = r.proxy
	if !onLocalHub {
		return plan, nil
	}
	if r.local == nil {
		return plan, errors.New(lang.L("The local hub is not running."))
	}
	plan.Server = r.local.srv.MQTTAddr()
	plan.CAPEM = r.local.srv.CAPEM()
	plan.ServiceURL = r.local.srv.HTTPURL()
	plan.CheckConnectionString = r.local.srv.PolicyConnectionString("iothubowner")
	return plan, nil
}

// PolicyConnectionString implements setup.LocalHubPolicy: a policy that may
// create devices, for the Setup screen's demo path.
func (h *localHub) PolicyConnectionString() (string, error) {
	cs := h.srv.PolicyConnectionString("registryReadWrite")
	if cs == "" {
		return "", errors.New(lang.L("The local hub has no registryReadWrite policy."))
	}
	return cs, nil
}

// Restore implements setup.Restorer: it holds the port like any other
// operation, so it never runs while the terminal has the module.
func (r setupRunner) Restore(ctx context.Context, port string) error {
	if err := r.claim(port); err != nil {
		return err
	}
	defer r.release(port)
	return provision.Restore(ctx, port)
}
