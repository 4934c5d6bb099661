package provision

import (
	"context"
	"crypto/x509"
	"errors"
	"net/http"
	"sync"
	"time"

	"qpyhub/device/repl"
)

// Run sets up every module on ports at once, each in its own goroutine,
// and answers one Result per port in the order given. progress may be
// nil; it is called from several goroutines. Run validates the plan
// first: a bad plan fails every module at the module stage without
// touching one.
func Run(ctx context.Context, plan Plan, ports []string, progress func(Progress)) []Result {
	return newPipeline(plan).run(ctx, ports, progress)
}

// pipeline is one batch: the plan and the outside world it reaches.
type pipeline struct {
	plan     Plan
	open     func(ctx context.Context, port string) (*repl.Session, error)
	register func(ctx context.Context, req dpsRequest) (dpsAnswer, error)
	program  func() ([]ModuleFile, error)
	now      func() time.Time

	httpsOnce sync.Once // builds https, see httpTransport
	https     *http.Transport
	httpsErr  error
}

func newPipeline(plan Plan) *pipeline {
	return &pipeline{
		plan: plan.withDefaults(),
		open: func(ctx context.Context, port string) (*repl.Session, error) {
			return repl.Open(ctx, port, repl.Options{})
		},
		register: registerWithDPS,
		program:  ModuleProgram,
		now:      time.Now,
	}
}

func (p *pipeline) run(ctx context.Context, ports []string, progress func(Progress)) []Result {
	if progress == nil {
		progress = func(Progress) {}
	}
	if err := p.plan.Validate(ports); err != nil {
		var pe *PlanError
		errors.As(err, &pe)
		return p.failAll(ports, fail(StageModule, pe.Reason, "", pe.Field, err))
	}
	if err := CheckRecordFile(p.plan.RecordFile); err != nil {
		var se *StageError
		errors.As(err, &se)
		return p.failAll(ports, se)
	}
	rec := newRecorder(p.plan.RecordFile)
	var mu sync.Mutex // one progress call at a time: callers need no lock
	report := func(pr Progress) {
		mu.Lock()
		defer mu.Unlock()
		progress(pr)
	}
	results := make([]Result, len(ports))
	var wg sync.WaitGroup
	for i, port := range ports {
		wg.Go(func() {
			results[i] = p.module(ctx, port, report, rec)
		})
	}
	wg.Wait()
	return results
}

// failAll answers se for every port, before any module is touched.
func (p *pipeline) failAll(ports []string, se *StageError) []Result {
	results := make([]Result, len(ports))
	runs := ""
	if p.plan.KeepMain {
		runs = RunsOwnMain
	}
	for i, port := range ports {
		now := p.now()
		results[i] = Result{Port: port, Result: ResultFailed, Stage: se.Stage,
			Error: se.Message, Advice: se.NextStep, Detail: se.Detail, Started: now, Finished: now, Runs: runs}
	}
	return results
}

// rootCAs is the pool the PC trusts: the plan's CA, or nil for the
// embedded public roots.
func (p *pipeline) rootCAs() *x509.CertPool {
	if len(p.plan.CAPEM) == 0 {
		return nil
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(p.plan.CAPEM)
	return pool
}

// module runs every stage for one port and records the outcome.
func (p *pipeline) module(ctx context.Context, port string, report func(Progress), rec *recorder) Result {
	m := &moduleRun{p: p, port: port, report: report, res: Result{Port: port, Started: p.now()}}
	if p.plan.KeepMain {
		m.res.Runs = RunsOwnMain // its main.py is never touched
	}
	err := m.stages(ctx)
	if m.session != nil {
		m.session.Close()
	}
	if err != nil {
		m.failed(ctx, err)
	}
	m.res.Finished = p.now()
	if rerr := rec.append(m.res); rerr != nil {
		_, detail := describe(rerr, PhraseRecord)
		m.res.Warnings = append(m.res.Warnings, PhraseRecord)
		if m.res.Online() {
			m.res.Result, m.res.Stage = ResultFailed, StageRecord
			m.res.Error, m.res.Advice, m.res.Detail = PhraseRecord, AdviceRecord, m.redact(detail)
		}
		m.step(StageRecord, StateFailed, PhraseRecord)
	} else if rec.enabled() {
		m.step(StageRecord, StateOK, "")
	}
	return m.res
}

// moduleRun is the state of one module's setup.
type moduleRun struct {
	p       *pipeline
	port    string
	report  func(Progress)
	res     Result
	session *repl.Session
	facts   Facts
	ident   identity
	creds   credentials
	secrets []string // every secret this module touched, for redaction
}

func (m *moduleRun) stages(ctx context.Context) error {
	steps := []struct {
		name string
		run  func(context.Context) error
	}{
		{StageModule, m.checkModule},
		{StageIdentity, m.identify},
		{StageCredentials, m.credentials},
		{StageWrite, m.write},
		{StageVerify, m.verify},
	}
	for _, s := range steps {
		if err := ctx.Err(); err != nil {
			return fail(s.name, PhraseCanceled, AdviceCanceled, "", err)
		}
		m.step(s.name, StateRunning, "")
		if err := s.run(ctx); err != nil {
			return err
		}
		if s.name == StageWrite && !m.p.plan.KeepMain {
			m.res.Runs = RunsCheckProgram // the launcher, written last, is main.py now
		}
	}
	return nil
}

// failed fills the Result from a stage's error.
func (m *moduleRun) failed(ctx context.Context, err error) {
	var se *StageError
	if !errors.As(err, &se) {
		se = fail(StageModule, PhraseCheckFailed, "", err.Error(), err)
	}
	if ctx.Err() != nil && se.Message != PhraseCanceled {
		se = fail(se.Stage, PhraseCanceled, AdviceCanceled, "", ctx.Err())
	}
	m.res.Result = ResultFailed
	m.res.Stage, m.res.Error, m.res.Advice = se.Stage, se.Message, se.NextStep
	m.res.Detail = m.redact(se.Detail)
	m.step(se.Stage, StateFailed, se.Message)
}

// step reports one stage's state; the fraction counts finished stages.
func (m *moduleRun) step(stage, state, detail string) {
	m.stepFraction(stage, state, detail, 0)
}

func (m *moduleRun) stepFraction(stage, state, detail string, within float64) {
	index := 0
	for i, s := range Stages() {
		if s == stage {
			index = i
		}
	}
	done := float64(index) + within
	if state == StateOK {
		done = float64(index + 1)
	}
	m.report(Progress{Port: m.port, Stage: stage, State: state, Detail: m.redact(detail),
		Fraction: done / float64(len(Stages())), IMEI: m.res.IMEI, DeviceID: m.res.DeviceID})
}
