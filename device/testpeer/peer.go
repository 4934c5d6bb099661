package testpeer

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"time"
)

// Raw-paste behaviours a peer can show (Options.RawPaste).
const (
	RawPasteOn          = "on"          // R\x01 and flow control, as MicroPython ≥ 1.14
	RawPasteDisabled    = "disabled"    // answers R\x00
	RawPasteUnsupported = "unsupported" // old firmware: treats it as a raw REPL reset ("ra…")
)

// SlowBytesPerSecond is the output rate of a peer started with Slow.
const SlowBytesPerSecond = 4000

// Options shape one peer.
type Options struct {
	Scenario    map[string]any // written to /qpy_scenario.json (see quecpython/README.md)
	Model       string         // in the banner; default EC600N
	Banner      string         // replaces the whole first banner line when set
	RawPaste    string         // RawPasteOn (default), RawPasteDisabled, RawPasteUnsupported
	Slow        bool           // limit output to SlowBytesPerSecond
	BytesPerSec int            // explicit output limit; wins over Slow
	// Baud, when set, makes the port a UART link at that rate both ways
	// (8N1: ten bits a byte), as a module's main UART behind a USB
	// adapter: the module takes and sends Baud/10 bytes a second.
	// BytesPerSec, when also set, still sets the output rate.
	Baud          int
	Files         map[string][]byte // seeded under /usr, e.g. "main.py"
	RunMainAtBoot bool              // run /usr/main.py before the first banner
	// FlashDir, when set, is a host directory that stands in for the
	// module's flash behind /usr: loaded at start, written after every
	// command, so files survive Kill and a new peer on the same directory
	// sees them.
	FlashDir string
	// Unplug, when set, pulls the cable by itself at a chosen point of the
	// conversation, so a test can interrupt an operation of a whole
	// program (the binary) at an exact moment.
	Unplug *Unplug
	// Lose, when set, drops bytes once at a chosen point, as a firmware
	// whose input buffer overflowed.
	Lose *Lose
}

// Unplug pulls the cable once After has crossed the wire from the product
// to the module and ThenBytes more bytes have followed it.
type Unplug struct {
	After     string
	ThenBytes int
}

// Peer is a running interpreter behind a pseudo-terminal.
type Peer struct {
	pty     *pty
	cmd     *exec.Cmd
	cfgPath string

	mu       sync.Mutex
	received []byte // what reached the module, newest maxReceived bytes
	// unplug is Options.Unplug; unplugAt is the offset in received where
	// the cable goes (-1 until After was seen).
	unplug    *Unplug
	unplugAt  int
	unplugged bool
	stderr    []byte
	inPace    *linePace // the input side of a Baud link, nil at full speed
	lose      *loser    // Options.Lose, used by the copy to the module only

	killOnce sync.Once
	copies   sync.WaitGroup
	exited   chan struct{}
}

const maxReceived = 1 << 20

// Start runs a peer and waits until its interpreter is up. The banner is
// then on its way to the port.
func Start(ctx context.Context, opts Options) (*Peer, error) {
	inst, err := findInstall()
	if err != nil {
		return nil, err
	}
	cfgPath, err := writeConfig(inst, opts)
	if err != nil {
		return nil, err
	}
	pt, err := openPTY()
	if err != nil {
		os.Remove(cfgPath)
		return nil, err
	}
	p := &Peer{pty: pt, cfgPath: cfgPath, exited: make(chan struct{}), unplug: opts.Unplug, unplugAt: -1}
	if opts.Baud > 0 {
		p.inPace = &linePace{bytesPerSec: opts.Baud / 10}
	}
	p.lose = newLoser(opts.Lose)
	if err := p.run(ctx, inst); err != nil {
		p.Kill()
		os.Remove(cfgPath)
		return nil, err
	}
	return p, nil
}

func (p *Peer) run(ctx context.Context, inst install) error {
	p.cmd = exec.Command(inst.node, filepath.Join(inst.nodeDir, "peer.mjs"), p.cfgPath)
	p.cmd.Dir = inst.nodeDir
	stdin, err := p.cmd.StdinPipe()
	if err != nil {
		return err
	}
	stdout, err := p.cmd.StdoutPipe()
	if err != nil {
		return err
	}
	stderr, err := p.cmd.StderrPipe()
	if err != nil {
		return err
	}
	if err := p.cmd.Start(); err != nil {
		return fmt.Errorf("start node: %w", err)
	}
	ready := make(chan struct{})
	p.copies.Add(3)
	go p.toModule(stdin)
	go p.fromModule(stdout)
	go p.watchStderr(stderr, ready)
	go func() {
		p.cmd.Wait()
		close(p.exited)
	}()
	select {
	case <-ready:
		return nil
	case <-p.exited:
		return &StartError{Stderr: p.Stderr()}
	case <-ctx.Done():
		return fmt.Errorf("the test peer did not boot: %w", ctx.Err())
	}
}

// toModule copies what the product writes to the port into node.
func (p *Peer) toModule(stdin io.WriteCloser) {
	defer p.copies.Done()
	defer stdin.Close()
	buf := make([]byte, 4096)
	for {
		n, err := p.pty.master.Read(buf)
		if n > 0 && !p.deliver(stdin, buf[:n], time.Now()) {
			return
		}
		if err != nil {
			return
		}
	}
}

// deliver hands b, which came at arrival, to the module, at the line's
// pace on a Baud link. It answers false when the module is gone or the
// planned unplug came.
func (p *Peer) deliver(stdin io.Writer, b []byte, arrival time.Time) bool {
	for _, piece := range p.inPace.pieces(b) {
		if p.inPace != nil {
			p.inPace.wait(len(piece), arrival)
		}
		chunk := p.record(piece)
		if _, err := stdin.Write(p.lose.filter(chunk)); err != nil {
			return false
		}
		if len(chunk) < len(piece) {
			p.Kill()
			return false
		}
	}
	return true
}

// fromModule copies node's output to the port.
func (p *Peer) fromModule(stdout io.Reader) {
	defer p.copies.Done()
	io.Copy(p.pty.master, stdout)
}

func (p *Peer) watchStderr(stderr io.Reader, ready chan<- struct{}) {
	defer p.copies.Done()
	r := bufio.NewReader(stderr)
	signalled := false
	for {
		line, err := r.ReadBytes('\n')
		if !signalled && bytes.Equal(line, []byte("qpy-peer: ready\n")) {
			signalled = true
			close(ready)
		} else if len(line) > 0 {
			p.mu.Lock()
			if len(p.stderr) < 64<<10 {
				p.stderr = append(p.stderr, line...)
			}
			p.mu.Unlock()
		}
		if err != nil {
			return
		}
	}
}

// record keeps b in the received log and returns the part of b the module
// gets: all of it, unless the planned unplug falls inside b.
func (p *Peer) record(b []byte) []byte {
	p.mu.Lock()
	defer p.mu.Unlock()
	start := len(p.received)
	p.received = append(p.received, b...)
	if u := p.unplug; u != nil && !p.unplugged {
		if p.unplugAt < 0 {
			from := max(0, start-len(u.After))
			if i := bytes.Index(p.received[from:], []byte(u.After)); i >= 0 {
				p.unplugAt = from + i + len(u.After) + u.ThenBytes
			}
		}
		if p.unplugAt >= 0 && p.unplugAt < len(p.received) {
			p.unplugged = true
			b = b[:max(0, p.unplugAt-start)]
		}
	}
	if over := len(p.received) - maxReceived; over > 0 {
		p.received = append(p.received[:0], p.received[over:]...)
		if p.unplugAt >= 0 {
			p.unplugAt -= over
		}
	}
	return b
}

// Path is the serial device to open, like /dev/ttyUSB0 for a module.
func (p *Peer) Path() string { return p.pty.slavePath }

// Received answers a copy of every byte the module got from the port
// (the newest megabyte).
func (p *Peer) Received() []byte {
	p.mu.Lock()
	defer p.mu.Unlock()
	return bytes.Clone(p.received)
}

// Stderr answers what node printed on its stderr, for test failure
// messages.
func (p *Peer) Stderr() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return string(p.stderr)
}

// Kill stands in for pulling the cable: node dies and the port goes away
// under whoever has it open.
func (p *Peer) Kill() {
	p.killOnce.Do(func() {
		if p.cmd != nil && p.cmd.Process != nil {
			p.cmd.Process.Kill()
		}
		p.pty.close()
	})
}

// Close stops the peer and releases everything it holds.
func (p *Peer) Close() error {
	p.Kill()
	if p.cmd != nil && p.cmd.Process != nil {
		<-p.exited
	}
	p.copies.Wait()
	return os.Remove(p.cfgPath)
}

// StartError means node exited before the interpreter came up.
type StartError struct {
	Stderr string
}

func (e *StartError) Error() string {
	return "the test peer exited while booting; check `npm ci --prefix device/testpeer/node`: " + e.Stderr
}

func writeConfig(inst install, opts Options) (string, error) {
	model := opts.Model
	if model == "" {
		model = "EC600N"
	}
	banner := opts.Banner
	if banner == "" {
		banner = "QuecPython v1.12 on 2021-01-01; " + model + " with QUECTEL"
	}
	rate := opts.BytesPerSec
	if rate == 0 && opts.Baud > 0 {
		rate = opts.Baud / 10
	}
	if rate == 0 && opts.Slow {
		rate = SlowBytesPerSecond
	}
	switch opts.RawPaste {
	case "", RawPasteOn, RawPasteDisabled, RawPasteUnsupported:
	default:
		return "", errors.New("testpeer: unknown RawPaste " + opts.RawPaste)
	}
	cfg := map[string]any{
		"banner":         banner,
		"rawPaste":       opts.RawPaste,
		"bytesPerSecond": rate,
		"runMainAtBoot":  opts.RunMainAtBoot,
		"standinDir":     inst.standinDir,
		"scenario":       opts.Scenario,
		"files":          opts.Files,
		"flashDir":       opts.FlashDir,
	}
	b, err := json.Marshal(cfg)
	if err != nil {
		return "", fmt.Errorf("testpeer options: %w", err)
	}
	f, err := os.CreateTemp("", "qpy-peer-*.json")
	if err != nil {
		return "", err
	}
	defer f.Close()
	if _, err := f.Write(b); err != nil {
		return "", err
	}
	return f.Name(), nil
}
