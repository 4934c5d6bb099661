package setup

import (
	"context"
	"errors"
	"time"

	"qpyhub/device/moduleapp"
	"qpyhub/device/repl"
)

// cloudPollInterval is how often the hub is asked while verifying.
const cloudPollInterval = time.Second

// verify restarts the module, follows its status lines until it says
// "online ok" (or fails, or the verify timeout passes), then asks the
// hub. "online" needs both; without a policy that can read the hub the
// result is honestly "online (module only)".
func (m *moduleRun) verify(ctx context.Context) error {
	checker, baseline := m.cloudBaseline(ctx)
	resetAt := m.p.now()
	if _, err := m.session.SoftReset(ctx); err != nil {
		phrase, detail := describe(err, PhraseReset)
		return fail(StageVerify, PhraseReset, AdviceReset, joinDetail(phrase, detail), err)
	}
	vctx, cancel := context.WithTimeout(ctx, m.p.plan.VerifyTimeout)
	defer cancel()
	last, err := m.followStatus(ctx, vctx)
	if err != nil {
		return err
	}
	if checker == nil {
		m.res.Result, m.res.Confirmation = ResultOnlineModuleOnly, ConfirmNone
		m.step(StageVerify, StateOK, ResultOnlineModuleOnly)
		return nil
	}
	m.step(StageVerify, StateRunning, "asking the hub")
	how, err := checker.confirm(vctx, m.res.DeviceID, baseline, resetAt, cloudPollInterval)
	switch {
	case err != nil && ctx.Err() != nil:
		return fail(StageVerify, PhraseCanceled, AdviceCanceled, "", ctx.Err())
	case err != nil:
		return fail(StageVerify, PhraseCloudDisagrees, AdviceCloudDisagrees, joinDetail(m.res.DeviceID, last), err)
	case how == ConfirmNone:
		m.res.Result, m.res.Confirmation = ResultOnlineModuleOnly, ConfirmNone
	default:
		m.res.Result, m.res.Confirmation = ResultOnline, how
	}
	m.step(StageVerify, StateOK, m.res.Result+": "+m.res.Confirmation)
	return nil
}

// cloudBaseline prepares the cloud-side check: nil without a policy
// string that could read the hub. The twin's reported version before the
// reset is the baseline the module's report must pass.
func (m *moduleRun) cloudBaseline(ctx context.Context) (*cloudChecker, int) {
	policy := m.p.plan.CheckConnectionString
	if m.p.plan.Mode == IdentityRegistry {
		policy = m.p.plan.HubConnectionString
	}
	if policy == "" {
		return nil, -1
	}
	tr, err := m.p.httpTransport()
	if err != nil {
		return nil, -1
	}
	c, err := newCloudChecker(policy, m.p.plan.ServiceURL, tr, m.p.now)
	if err != nil {
		return nil, -1
	}
	m.remember(c.key)
	baseline := -1
	if m.res.DeviceID != "" {
		bctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		if t, err := c.twin(bctx, m.res.DeviceID); err == nil {
			baseline = t.Version
		}
	}
	return c, baseline
}

// followStatus reads the module's lines until "QPYHUB online ok". A
// fail line ends it at once with the module's stage and reason. It
// answers the last status line seen, for the record.
func (m *moduleRun) followStatus(ctx, vctx context.Context) (string, error) {
	last := ""
	for {
		line, err := m.session.Follow(vctx, "\n")
		if err != nil {
			switch {
			case ctx.Err() != nil:
				return last, fail(StageVerify, PhraseCanceled, AdviceCanceled, "", ctx.Err())
			case vctx.Err() != nil, errors.As(err, new(*repl.TimeoutError)):
				// Follow's own timer fires at vctx's deadline, maybe
				// a moment before vctx reports it.
				return last, fail(StageVerify, PhraseVerifyTimeout, AdviceVerifyTimeout, lastSeen(last), err)
			}
			phrase, detail := describe(err, PhraseReset)
			return last, fail(StageVerify, phrase, AdviceReset, detail, err)
		}
		st, ok := moduleapp.ParseStatusLine(line)
		if !ok {
			continue
		}
		last = st.Stage + " " + st.State
		if st.Detail != "" {
			last += " " + st.Detail
		}
		last = m.redact(last)
		m.step(StageVerify, StateRunning, last)
		switch {
		case st.State == moduleapp.StateFail:
			return last, fail(StageVerify, PhraseModuleFailed, adviceForModuleStage(st.Stage), last, nil)
		case st.Stage == moduleapp.StageDPS && st.State == moduleapp.StateOK:
			m.takeAssignment(st.Fields)
		case st.Stage == moduleapp.StageOnline && st.State == moduleapp.StateOK:
			if id := st.Fields["device"]; id != "" && m.res.DeviceID == "" {
				m.res.DeviceID = id
			}
			return last, nil
		}
	}
}

// takeAssignment reads "hub=… device=…" from the module's dps line.
func (m *moduleRun) takeAssignment(fields map[string]string) {
	if hub := fields["hub"]; hub != "" {
		m.res.Hub = hub
	}
	if dev := fields["device"]; dev != "" {
		m.res.DeviceID = dev
	}
}

func lastSeen(last string) string {
	if last == "" {
		return "no status line from the module"
	}
	return "last: " + last
}
