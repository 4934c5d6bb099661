package provision

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"qpyhub/device/repl"
)

// NoteProving is the verify stage's step while the REPL connects
// through the library (Plan.KeepMain).
const NoteProving = "connecting through the library from the REPL"

// proofScript connects once through the library exactly as an
// application does (from usr import qpyhub; Hub(); connect()), sends one
// heartbeat and leaves the connection open in _qpyhub_proof for the
// cloud-side check; proofClose ends it. The library is imported afresh:
// an application stopped by the REPL may have loaded an older copy.
// Waits stop after the budget (%d ms) so that the script ends, with
// what it printed, before the PC gives up on it. MicroPython 1.12: no
// f-strings, u-modules only.
const proofScript = `import usys
import utime
for _n in ('usr', 'usr.qpyhub', 'qpyhub'):
    if _n in usys.modules:
        del usys.modules[_n]
try:
    from usr import qpyhub
except ImportError:
    if '/usr' not in usys.path:
        usys.path.append('/usr')
    import qpyhub
_qpyhub_end = utime.ticks_add(utime.ticks_ms(), %d)


class _Late(BaseException):
    pass


class _Proof(qpyhub.Hub):
    def _wait(self, seconds):
        if utime.ticks_diff(_qpyhub_end, utime.ticks_ms()) <= 0:
            raise _Late()
        qpyhub.Hub._wait(self, seconds)


_qpyhub_proof = None
try:
    _qpyhub_proof = _Proof()
    _qpyhub_proof.connect()
    _qpyhub_proof.send({'heartbeat': 1}, {'qpyhub': 'setup'})
    print('QPYHUB heartbeat ok n=1')
except (qpyhub.HubError, _Late):
    pass
`

const proofClose = `if _qpyhub_proof:
    _qpyhub_proof.close()
`

// proofCloseWait bounds closing the proof's connection: a module that
// does not answer is reset all the same.
const proofCloseWait = 10 * time.Second

// verifyFromREPL is the verify stage of Plan.KeepMain: the identity is
// proven by one connection through the library, run from the REPL, its
// status lines read as the check program's are and the hub asked while
// it is open; then the module restarts so that its own main.py runs.
// The module is restarted even when the proof failed: the setup's
// session stopped the application, and the module should run it again.
func (m *moduleRun) verifyFromREPL(ctx context.Context) error {
	checker, baseline := m.cloudBaseline(ctx)
	vctx, cancel := context.WithTimeout(ctx, m.p.plan.VerifyTimeout)
	defer cancel()
	how, proofErr := m.prove(ctx, vctx, checker, baseline)
	cctx, ccancel := context.WithTimeout(ctx, proofCloseWait)
	m.session.Exec(cctx, proofClose) // the reset ends the connection anyway
	ccancel()
	if _, err := m.session.SoftReset(ctx); err != nil && proofErr == nil {
		phrase, detail := describe(err, PhraseReset)
		return fail(StageVerify, PhraseReset, AdviceReset, joinDetail(phrase, detail), err)
	}
	if proofErr != nil {
		return proofErr
	}
	m.online(how)
	return nil
}

// prove runs proofScript and takes its status lines; once the module
// said "online ok" it asks the hub.
func (m *moduleRun) prove(ctx, vctx context.Context, checker *cloudChecker, baseline int) (string, error) {
	m.step(StageVerify, StateRunning, NoteProving)
	since := m.p.now()
	res, err := m.session.Exec(vctx, fmt.Sprintf(proofScript, proofBudget(m.p.plan.VerifyTimeout).Milliseconds()))
	var pe *repl.PythonError
	switch {
	case ctx.Err() != nil:
		return "", fail(StageVerify, PhraseCanceled, AdviceCanceled, "", ctx.Err())
	case errors.As(err, &pe):
		return "", fail(StageVerify, PhraseLibraryRaised, AdviceLibraryRaised, m.redact(lastLine(res.Stderr)), err)
	case err != nil:
		phrase, detail := describe(err, PhraseVerifyTimeout)
		return "", fail(StageVerify, PhraseVerifyTimeout, AdviceVerifyTimeout, joinDetail(phrase, detail), err)
	}
	last := ""
	for _, line := range strings.Split(res.Stdout, "\n") {
		done, err := m.takeStatus(line, &last)
		if err != nil {
			return "", err
		}
		if done {
			return m.askHub(ctx, vctx, checker, baseline, since, last)
		}
	}
	return "", fail(StageVerify, PhraseVerifyTimeout, AdviceVerifyTimeout, lastSeen(last), nil)
}

// proofBudget is how long the module may try to connect: a part of the
// verify timeout, so that the script ends before the PC stops waiting.
func proofBudget(verify time.Duration) time.Duration {
	return verify * 2 / 3
}

// lastLine is the last line of a traceback: the exception and its text.
func lastLine(text string) string {
	lines := strings.Split(strings.TrimSpace(text), "\n")
	return strings.TrimSpace(lines[len(lines)-1])
}
