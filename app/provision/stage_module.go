package provision

import (
	"context"
	"errors"
	"strings"

	"qpyhub/device/probe"
)

// checkModule opens the port and runs the module check. A module that
// is not ready stops here with the check's first problem, unless the
// plan overrides the check (which the Result then says).
func (m *moduleRun) checkModule(ctx context.Context) error {
	s, err := m.p.open(ctx, m.port)
	if err != nil {
		phrase, detail := describe(err, PhraseOpen)
		return fail(StageModule, phrase, "", detail, err)
	}
	m.session = s
	rep, err := probe.Run(ctx, probe.OverSession(s))
	if err != nil {
		var pe *probe.Error
		if errors.As(err, &pe) {
			return fail(StageModule, pe.Message, pe.NextStep, joinDetail(pe.Detail, causeText(pe.Err)), err)
		}
		return fail(StageModule, PhraseCheckFailed, "", err.Error(), err)
	}
	m.facts = Facts{Model: rep.Model, IMEI: rep.IMEI, ICCID: rep.SIM.ICCID, Port: m.port}
	m.res.Model, m.res.IMEI, m.res.ICCID = rep.Model, rep.IMEI, rep.SIM.ICCID
	if !rep.Ready {
		first := firstBlocking(rep.Problems)
		if !m.p.plan.OverrideCheck {
			return fail(StageModule, first.Message, first.Advice, first.Detail, nil)
		}
		m.res.CheckOverridden = first.Message
		m.step(StageModule, StateOK, PhraseNotReady+": "+first.Message)
		return nil
	}
	m.step(StageModule, StateOK, strings.TrimSpace(rep.Model+" "+rep.IMEI))
	return nil
}

// firstBlocking is the first problem that stops a connection.
func firstBlocking(problems []probe.Problem) probe.Problem {
	for _, p := range problems {
		if !p.Warning {
			return p
		}
	}
	return probe.Problem{Message: PhraseNotReady, Advice: AdviceOverride}
}

func joinDetail(parts ...string) string {
	var out []string
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, "; ")
}

func causeText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
