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
	"qpyhub/ui"
)

// setupRunner hands the Setup screen's plan to the setup pipeline. It
// implements ui.SetupRunner.
type setupRunner struct {
	modules *moduleServices // claims the ports, so the terminal keeps off them
	local   *localHub       // nil when the local hub did not start
	log     *slog.Logger    // one line per module; nil discards
	// proxy is the Settings screen's proxy, for the enrollment check
	// from this PC; nil connects directly.
	proxy func(*http.Request) (*url.URL, error)
}

// Run implements ui.SetupRunner. A port the terminal or another operation
// holds fails at once; the others go on.
func (r setupRunner) Run(ctx context.Context, plan ui.SetupPlan, ports []string, progress func(ui.SetupProgress)) []ui.SetupResult {
	out := make([]ui.SetupResult, len(ports))
	p, err := r.pipelinePlan(plan)
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
	if len(free) == 0 {
		r.logResults(out)
		return out
	}
	results := provision.Run(ctx, p, free, func(pr provision.Progress) {
		progress(ui.SetupProgress{Port: pr.Port, Stage: pr.Stage, State: pr.State, Detail: pr.Detail, Fraction: pr.Fraction,
			IMEI: pr.IMEI, DeviceID: pr.DeviceID})
	})
	for _, res := range results {
		out[at[res.Port]] = fromSetupResult(res)
	}
	r.logResults(out)
	return out
}

// logResults keeps one line per module: what a support request needs,
// never a key (the record's fields, which hold none).
func (r setupRunner) logResults(results []ui.SetupResult) {
	if r.log == nil {
		return
	}
	for _, res := range results {
		if res.Result == ui.SetupFailed {
			r.log.Warn("setup failed", "port", res.Port, "imei", res.IMEI, "device", res.DeviceID,
				"hub", res.Hub, "stage", res.Stage, "err", res.Error)
			continue
		}
		r.log.Info("setup done", "port", res.Port, "imei", res.IMEI, "device", res.DeviceID,
			"hub", res.Hub, "result", res.Result, "confirmed", res.Confirmed, "confirmation", res.Confirmation,
			"tls", res.TLS, "tlsReason", res.TLSReason)
	}
}

func failedAtStart(port string, err error) ui.SetupResult {
	now := time.Now()
	return ui.SetupResult{Port: port, Result: ui.SetupFailed, Stage: provision.StageModule, Error: err.Error(), Started: now, Finished: now}
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

func fromSetupResult(res provision.Result) ui.SetupResult {
	return ui.SetupResult{
		Port: res.Port, IMEI: res.IMEI, ICCID: res.ICCID, Model: res.Model,
		DeviceID: res.DeviceID, Hub: res.Hub, AuthMode: res.AuthMode,
		Result: res.Result, Stage: res.Stage, Error: res.Error, Advice: res.Advice, Detail: res.Detail,
		Confirmed: res.Confirmed, Confirmation: res.Confirmation, ConfirmedNote: confirmedNote(res.Confirmed),
		TLS: res.TLS, TLSNote: provision.TLSNote(res.TLS), TLSReason: res.TLSReason,
		Started: res.Started, Finished: res.Finished,
	}
}

// confirmedNote says why a module is online on its own word only.
func confirmedNote(confirmed string) string {
	if confirmed == provision.ConfirmedModule {
		return provision.NoteConfirmedByModule
	}
	return ""
}

// pipelinePlan translates the screen's plan; the local hub adds where to
// dial, which CA to trust, and a policy to confirm from the cloud side.
func (r setupRunner) pipelinePlan(plan ui.SetupPlan) (provision.Plan, error) {
	p := provision.Plan{
		ConnectionString:       plan.DeviceConnectionString,
		HubConnectionString:    plan.HubConnectionString,
		DeviceIDTemplate:       plan.DeviceIDTemplate,
		ReuseExisting:          plan.ReuseExisting,
		IDScope:                plan.IDScope,
		GroupKey:               plan.GroupKey,
		RegistrationIDTemplate: plan.RegistrationIDTemplate,
		DPSCheckFromPC:         plan.CheckEnrollment,
		TokenTTL:               plan.TokenTTL,
		RecordFile:             plan.RecordFile,
		CheckConnectionString:  plan.CheckConnectionString,
		Proxy:                  r.proxy,
		OverrideCheck:          plan.OverrideCheck,
	}
	switch plan.Identity {
	case ui.SetupExistingDevice:
		p.Mode = provision.IdentityDevice
	case ui.SetupNewDevice:
		p.Mode = provision.IdentityRegistry
	case ui.SetupDPSGroup:
		p.Mode = provision.IdentityDPS
	}
	if !plan.LocalHub {
		return p, nil
	}
	if r.local == nil {
		return p, errors.New(lang.L("The local hub is not running."))
	}
	p.Server = r.local.srv.MQTTAddr()
	p.CAPEM = r.local.srv.CAPEM()
	p.ServiceURL = r.local.srv.HTTPURL()
	p.CheckConnectionString = r.local.srv.PolicyConnectionString("iothubowner")
	return p, nil
}

// PolicyConnectionString implements ui.SetupLocalHub: a policy that may
// create devices, for the Setup screen's demo path.
func (h *localHub) PolicyConnectionString() (string, error) {
	cs := h.srv.PolicyConnectionString("registryReadWrite")
	if cs == "" {
		return "", errors.New(lang.L("The local hub has no registryReadWrite policy."))
	}
	return cs, nil
}

// Restore implements ui.SetupRestorer: it holds the port like any other
// operation, so it never runs while the terminal has the module.
func (r setupRunner) Restore(ctx context.Context, port string) error {
	if err := r.claim(port); err != nil {
		return err
	}
	defer r.release(port)
	return provision.Restore(ctx, port)
}
