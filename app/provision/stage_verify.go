package provision

import (
	"context"
	"errors"
	"strings"
	"time"

	"qpyhub/device/moduleapp"
	"qpyhub/device/repl"
)

// cloudPollInterval is how often the hub is asked while verifying.
const cloudPollInterval = time.Second

// verify restarts the module, follows its status lines until it says
// "online ok" (or fails, or the verify timeout passes), then asks the
// hub. Confirmed is "cloud" when the hub showed the module; without a
// policy that can read the hub it is honestly "module". With
// Plan.KeepMain the proof runs from the REPL instead (verifyFromREPL).
func (m *moduleRun) verify(ctx context.Context) error {
	if m.p.plan.KeepMain {
		return m.verifyFromREPL(ctx)
	}
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
	how, err := m.askHub(ctx, vctx, checker, baseline, resetAt, last)
	if err != nil {
		return err
	}
	m.online(how)
	return nil
}

// askHub confirms from the cloud side that the module is online: how
// the hub showed it, or confirmNone without a checker (or rights).
func (m *moduleRun) askHub(ctx, vctx context.Context, checker *cloudChecker, baseline int, since time.Time, last string) (string, error) {
	if checker == nil {
		return confirmNone, nil
	}
	m.step(StageVerify, StateRunning, "asking the hub")
	how, err := checker.confirm(vctx, m.res.DeviceID, baseline, since, cloudPollInterval)
	switch {
	case err != nil && ctx.Err() != nil:
		return "", fail(StageVerify, PhraseCanceled, AdviceCanceled, "", ctx.Err())
	case err != nil:
		return "", fail(StageVerify, PhraseCloudDisagrees, AdviceCloudDisagrees, joinDetail(m.res.DeviceID, last), err)
	}
	return how, nil
}

// online marks the module online, confirmed as how says.
func (m *moduleRun) online(how string) {
	m.res.Result = ResultOnline
	if how == confirmNone {
		m.res.Confirmed = ConfirmedModule
		m.step(StageVerify, StateOK, NoteConfirmedByModule)
		return
	}
	m.res.Confirmed, m.res.Confirmation = ConfirmedCloud, how
	m.step(StageVerify, StateOK, how)
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
		if done, err := m.takeStatus(line, &last); done || err != nil {
			return last, err
		}
	}
}

// takeStatus takes one line the module printed: done once it said
// "online ok", an error for a fail line. last becomes the line, when it
// is a status line.
func (m *moduleRun) takeStatus(line string, last *string) (done bool, err error) {
	st, ok := moduleapp.ParseStatusLine(line)
	if !ok {
		return false, nil
	}
	said := st.Stage + " " + st.State
	if st.Detail != "" {
		said += " " + st.Detail
	}
	said = m.redact(said)
	*last = said
	m.takeTLS(st)
	m.step(StageVerify, StateRunning, said)
	switch {
	case st.State == moduleapp.StateFail && refusedCertificate(st):
		return true, fail(StageVerify, PhraseModuleCertificate, AdviceModuleCertificate, said, nil)
	case st.State == moduleapp.StateFail:
		return true, fail(StageVerify, PhraseModuleFailed, adviceForModuleStage(st.Stage), said, nil)
	case st.Stage == moduleapp.StageDPS && st.State == moduleapp.StateOK:
		m.takeAssignment(st.Fields)
	case st.Stage == moduleapp.StageOnline && st.State == moduleapp.StateOK:
		if id := st.Fields["device"]; id != "" && m.res.DeviceID == "" {
			m.res.DeviceID = id
		}
		return true, nil
	}
	return false, nil
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

// refusedCertificate tells a connection the module's TLS check refused
// from other failures of its mqtt or dps stage.
func refusedCertificate(st moduleapp.StatusLine) bool {
	return (st.Stage == moduleapp.StageMQTT || st.Stage == moduleapp.StageDPS) &&
		strings.Contains(strings.ToLower(st.Detail), "certificate")
}

// takeTLS keeps what the module said of its TLS on an "mqtt ok" or
// "dps info connected" line. Verified only when every connection was:
// one unverified connection makes the module's TLS unverified.
func (m *moduleRun) takeTLS(st moduleapp.StatusLine) {
	tls, reason := tlsOf(st)
	switch {
	case tls == TLSUnverified:
		m.res.TLS, m.res.TLSReason = TLSUnverified, m.redact(reason)
	case tls == TLSVerified && m.res.TLS == "":
		m.res.TLS = TLSVerified
	}
}

// tlsOf reads "tls=verified" or "tls=unverified reason=<text>" from a
// status line that reports a connection. The reason is free text that
// may hold '=' (umqtt's "MQTT Connect error='…' FAIL"): it runs to the
// end of the line, or to the dps line's registration= after it.
func tlsOf(st moduleapp.StatusLine) (tls, reason string) {
	connected := st.Stage == moduleapp.StageMQTT && st.State == moduleapp.StateOK ||
		st.Stage == moduleapp.StageDPS && st.State == moduleapp.StateInfo && strings.HasPrefix(st.Detail, "connected ")
	if !connected {
		return "", ""
	}
	tls, _, _ = strings.Cut(st.Fields["tls"], " ")
	if tls != TLSVerified && tls != TLSUnverified {
		return "", ""
	}
	if _, rest, ok := strings.Cut(st.Detail, " reason="); ok && tls == TLSUnverified {
		if st.Stage == moduleapp.StageDPS {
			rest, _, _ = strings.Cut(rest, " registration=")
		}
		reason = strings.TrimSpace(rest)
	}
	return tls, reason
}

func lastSeen(last string) string {
	if last == "" {
		return "no status line from the module"
	}
	return "last: " + last
}
