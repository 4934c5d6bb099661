package desktop

import (
	"bytes"
	"context"
	"io"
	iofs "io/fs"
	"log/slog"
	"sync"
	"time"

	"qpyhub/device/modfs"
	"qpyhub/device/ports"
	"qpyhub/device/probe"
	"qpyhub/device/repl"
	"qpyhub/ui"
	"qpyhub/ui/module"
	"qpyhub/ui/widgets"
)

// portPollEvery is how often the port list is read again: quick enough
// that a plugged module shows up before the user looks for it.
const portPollEvery = time.Second

// checkTimeout bounds a module check: the probe is one round trip.
const checkTimeout = 20 * time.Second

// Who holds a port.
const (
	holderOperation = "operation"
	holderTerminal  = "terminal"
)

// moduleServices reaches modules through their REPL ports for the
// window's Ports, Module and Terminal screens. Each operation opens the
// port, works, and closes it again leaving the friendly REPL; only one
// operation (or the terminal) holds a port at a time.
type moduleServices struct {
	list func() ([]ports.Port, error)
	opts repl.Options
	// baud, when set, gives the Settings screen's rate at each open.
	baud func() int
	// log receives failed operations and check results, for the log
	// and the diagnostics' last errors.
	log *slog.Logger

	mu      sync.Mutex
	holders map[string]string // port name → holder
}

func newModuleServices() *moduleServices {
	return &moduleServices{list: ports.List, holders: map[string]string{}, log: slog.New(slog.DiscardHandler)}
}

// openOptions are the REPL options of the next open, with the baud rate
// chosen in Settings at that moment.
func (m *moduleServices) openOptions() repl.Options {
	o := m.opts
	if m.baud != nil {
		o.BaudRate = m.baud()
	}
	return o
}

// Watch follows the serial ports.
func (m *moduleServices) Watch(ctx context.Context) <-chan []ports.Port {
	return ports.Watch(ctx, m.list, portPollEvery)
}

// take claims port for holder, or says who has it.
func (m *moduleServices) take(port, holder string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	switch m.holders[port] {
	case "":
		m.holders[port] = holder
		return nil
	case holderTerminal:
		return widgets.ErrTerminalHoldsPort
	}
	return widgets.ErrPortBusy
}

func (m *moduleServices) give(port string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.holders, port)
}

// withSession opens port for one operation and closes it afterwards.
func (m *moduleServices) withSession(ctx context.Context, port string, op func(*repl.Session) error) error {
	if port == "" {
		return widgets.ErrNoModulePort
	}
	if err := m.take(port, holderOperation); err != nil {
		return err
	}
	defer m.give(port)
	s, err := repl.Open(ctx, port, m.openOptions())
	if err != nil {
		m.log.Warn("module port did not open", "port", port, "err", err)
		return err
	}
	defer s.Close()
	if err := op(s); err != nil {
		m.log.Warn("module operation failed", "port", port, "err", err)
		return err
	}
	return nil
}

// Check runs the module check.
func (m *moduleServices) Check(ctx context.Context, port string) (probe.Report, error) {
	ctx, cancel := context.WithTimeout(ctx, checkTimeout)
	defer cancel()
	var rep probe.Report
	err := m.withSession(ctx, port, func(s *repl.Session) (err error) {
		rep, err = probe.Run(ctx, probe.OverSession(s))
		return err
	})
	if err == nil {
		var problems []string
		for _, p := range rep.Problems {
			problems = append(problems, p.Code)
		}
		level := slog.LevelInfo
		if !rep.Ready {
			level = slog.LevelWarn
		}
		m.log.Log(ctx, level, "module checked", "port", port, "model", rep.Model,
			"firmware", rep.Firmware, "ready", rep.Ready, "problems", problems)
	}
	return rep, err
}

// Files returns the file operations; they share the port rules.
func (m *moduleServices) Files() module.Files { return moduleFiles{m} }

// moduleFiles is module.Files over modfs, one session per call.
type moduleFiles struct{ m *moduleServices }

func (f moduleFiles) fs(ctx context.Context, port string, op func(*modfs.FS) error) error {
	return f.m.withSession(ctx, port, func(s *repl.Session) error { return op(modfs.New(s, modfs.Options{})) })
}

func (f moduleFiles) List(ctx context.Context, port, dir string) (out []modfs.Entry, err error) {
	err = f.fs(ctx, port, func(fs *modfs.FS) error { out, err = fs.List(ctx, dir); return err })
	return out, err
}

func (f moduleFiles) Put(ctx context.Context, port, dst string, r io.Reader, size int64, progress modfs.Progress) error {
	return f.fs(ctx, port, func(fs *modfs.FS) error { return fs.Put(ctx, dst, r, size, progress) })
}

func (f moduleFiles) Get(ctx context.Context, port, src string, w io.Writer, progress modfs.Progress) (n int64, err error) {
	err = f.fs(ctx, port, func(fs *modfs.FS) error { n, err = fs.Get(ctx, src, w, progress); return err })
	return n, err
}

func (f moduleFiles) Remove(ctx context.Context, port, path string) error {
	return f.fs(ctx, port, func(fs *modfs.FS) error { return fs.Remove(ctx, path) })
}

func (f moduleFiles) Mkdir(ctx context.Context, port, path string) error {
	return f.fs(ctx, port, func(fs *modfs.FS) error { return fs.Mkdir(ctx, path) })
}

func (f moduleFiles) Run(ctx context.Context, port, path string) (stdout, stderr string, err error) {
	err = f.fs(ctx, port, func(fs *modfs.FS) error {
		res, err := fs.Run(ctx, path)
		stdout, stderr = res.Stdout, res.Stderr
		return err
	})
	return stdout, stderr, err
}

func (f moduleFiles) PlanSync(ctx context.Context, port string, local iofs.FS, dir string, opts modfs.SyncOptions) (plan modfs.SyncPlan, err error) {
	err = f.fs(ctx, port, func(fs *modfs.FS) error { plan, err = fs.PlanSync(ctx, local, dir, opts); return err })
	return plan, err
}

func (f moduleFiles) ApplySync(ctx context.Context, port string, local iofs.FS, plan modfs.SyncPlan, progress func(modfs.SyncEvent)) (done []modfs.SyncItem, err error) {
	err = f.fs(ctx, port, func(fs *modfs.FS) error { done, err = fs.ApplySync(ctx, local, plan, progress); return err })
	return done, err
}

// Open hands the port to the terminal until the session is closed or
// the port goes away.
func (m *moduleServices) Open(ctx context.Context, port string) (ui.TerminalSession, error) {
	if port == "" {
		return nil, widgets.ErrNoModulePort
	}
	if err := m.take(port, holderTerminal); err != nil {
		return nil, err
	}
	s, err := repl.Open(ctx, port, m.openOptions())
	if err != nil {
		m.give(port)
		return nil, err
	}
	t, err := s.Terminal(ctx)
	if err != nil {
		s.Close()
		m.give(port)
		return nil, err
	}
	ts := &terminalSession{s: s, t: t, out: make(chan []byte, 64), give: func() { m.give(port) }}
	go ts.forward()
	// Ctrl-B redraws the banner and the prompt, from the raw REPL too.
	ts.Write([]byte{ctrlB})
	return ts, nil
}

// REPL control characters the terminal sends.
const (
	ctrlB = 0x02
	ctrlC = 0x03
	ctrlD = 0x04
)

// terminalSession is ui.TerminalSession over a repl.Terminal.
type terminalSession struct {
	s    *repl.Session
	t    *repl.Terminal
	out  chan []byte
	err  error // why Output closed; written before out is closed
	give func()

	mu           sync.Mutex
	resetPending bool // send Ctrl-D at the next prompt
	once         sync.Once
}

// forward passes the output on, sends a pending soft reset once the
// prompt shows, and frees the port when it went away.
func (ts *terminalSession) forward() {
	var tail []byte
	for b := range ts.t.Output() {
		seen := append(tail, b...)
		if ts.takeReset(bytes.Contains(seen, []byte(">>> "))) {
			ts.t.Write([]byte{ctrlD})
		}
		tail = append([]byte(nil), seen[max(0, len(seen)-3):]...)
		ts.out <- b
	}
	ts.err = ts.t.Err()
	if ts.err != nil {
		ts.Close() // before out closes: whoever sees the end finds the port free
	}
	close(ts.out)
}

func (ts *terminalSession) takeReset(prompt bool) bool {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	if ts.resetPending && prompt {
		ts.resetPending = false
		return true
	}
	return false
}

func (ts *terminalSession) Write(p []byte) error {
	_, err := ts.t.Write(p)
	return err
}

func (ts *terminalSession) Output() <-chan []byte { return ts.out }
func (ts *terminalSession) Err() error            { return ts.err }
func (ts *terminalSession) Interrupt() error      { return ts.Write([]byte{ctrlC}) }

// SoftReset interrupts what runs, then sends Ctrl-D once the prompt is
// back: the firmware drops input that arrives while code runs.
func (ts *terminalSession) SoftReset() error {
	ts.mu.Lock()
	ts.resetPending = true
	ts.mu.Unlock()
	return ts.Write([]byte{ctrlC})
}

// Close gives the port back, leaving the module in the friendly REPL.
func (ts *terminalSession) Close() {
	ts.once.Do(func() {
		ts.t.Release()
		ts.s.Close()
		ts.give()
	})
}
