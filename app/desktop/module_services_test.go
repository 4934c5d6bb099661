//go:build linux

// The test peer runs on a Linux pseudo-terminal.

package desktop

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"qpyhub/device/modfs"
	"qpyhub/device/repl"
	"qpyhub/device/testpeer"
	"qpyhub/ui/widgets"
)

func startModulePeer(t *testing.T, scenario map[string]any) *testpeer.Peer {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	peer, err := testpeer.Start(ctx, testpeer.Options{Scenario: scenario})
	if err != nil {
		t.Fatalf("start peer: %v", err)
	}
	t.Cleanup(func() { peer.Close() })
	return peer
}

// testContext ends a little before the test's deadline, so that a module
// that never answers fails the test instead of hanging it.
func testContext(t *testing.T) context.Context {
	ctx := t.Context()
	if d, ok := t.Deadline(); ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithDeadline(ctx, d.Add(-5*time.Second))
		t.Cleanup(cancel)
	}
	return ctx
}

func TestModuleServicesCheck(t *testing.T) {
	tests := []struct {
		name     string
		scenario map[string]any
		ready    bool
		first    string
	}{
		{"healthy", nil, true, ""},
		{"no SIM", map[string]any{"sim_status": 0}, false, "No SIM card"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			peer := startModulePeer(t, tc.scenario)
			rep, err := newModuleServices().Check(testContext(t), peer.Path())
			if err != nil {
				t.Fatalf("check: %v", err)
			}
			first := ""
			if len(rep.Problems) > 0 {
				first = rep.Problems[0].Message
			}
			if rep.Ready != tc.ready || first != tc.first || rep.Model != "EC600N" {
				t.Errorf("ready %v, first problem %q, model %q; want %v %q", rep.Ready, first, rep.Model, tc.ready, tc.first)
			}
		})
	}
}

func TestModuleServicesFilesRoundTrip(t *testing.T) {
	peer := startModulePeer(t, nil)
	ctx, port := testContext(t), peer.Path()
	files := newModuleServices().Files()
	script := []byte("print('你好，模组')\n")
	var last int64
	if err := files.Put(ctx, port, "/usr/hello.py", bytes.NewReader(script), int64(len(script)), func(done, _ int64) { last = done }); err != nil {
		t.Fatalf("put: %v", err)
	}
	if last != int64(len(script)) {
		t.Errorf("progress ended at %d of %d", last, len(script))
	}
	if err := files.Mkdir(ctx, port, "/usr/data"); err != nil {
		t.Fatalf("mkdir: %v", err)
	}
	entries, err := files.List(ctx, port, "/usr")
	if err != nil {
		t.Fatalf("list: %v", err)
	}
	if !hasEntry(entries, modfs.Entry{Name: "hello.py", Size: int64(len(script))}) || !hasEntry(entries, modfs.Entry{Name: "data", IsDir: true}) {
		t.Errorf("listing %+v lacks hello.py or data/", entries)
	}
	var got bytes.Buffer
	if _, err := files.Get(ctx, port, "/usr/hello.py", &got, nil); err != nil || !bytes.Equal(got.Bytes(), script) {
		t.Errorf("get: %q, %v", got.String(), err)
	}
	stdout, _, err := files.Run(ctx, port, "/usr/hello.py")
	if err != nil || strings.TrimSpace(stdout) != "你好，模组" {
		t.Errorf("run: %q, %v", stdout, err)
	}
	if err := files.Remove(ctx, port, "/usr/hello.py"); err != nil {
		t.Fatalf("remove: %v", err)
	}
	if entries, _ := files.List(ctx, port, "/usr"); hasEntry(entries, modfs.Entry{Name: "hello.py", Size: int64(len(script))}) {
		t.Error("hello.py still listed after remove")
	}
}

func hasEntry(entries []modfs.Entry, want modfs.Entry) bool {
	for _, e := range entries {
		if e == want {
			return true
		}
	}
	return false
}

// readUntil collects terminal output until it contains marker.
func readUntil(t *testing.T, ctx context.Context, out <-chan []byte, seen *bytes.Buffer, marker string) {
	t.Helper()
	for !strings.Contains(seen.String(), marker) {
		select {
		case b, ok := <-out:
			if !ok {
				t.Fatalf("output closed before %q; got %q", marker, seen.String())
			}
			seen.Write(b)
		case <-ctx.Done():
			t.Fatalf("no %q in %q", marker, seen.String())
		}
	}
}

func TestModuleServicesTerminalHoldsThePort(t *testing.T) {
	peer := startModulePeer(t, nil)
	ctx, port := testContext(t), peer.Path()
	m := newModuleServices()
	term, err := m.Open(ctx, port)
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	var seen bytes.Buffer
	readUntil(t, ctx, term.Output(), &seen, ">>> ")
	if err := term.Write([]byte("print(6 * 7)\r")); err != nil {
		t.Fatal(err)
	}
	readUntil(t, ctx, term.Output(), &seen, "42\r\n>>> ")

	if _, err := m.Check(ctx, port); !errors.Is(err, widgets.ErrTerminalHoldsPort) {
		t.Errorf("check while the terminal is open: %v", err)
	}
	if _, err := m.Files().List(ctx, port, "/usr"); !errors.Is(err, widgets.ErrTerminalHoldsPort) {
		t.Errorf("list while the terminal is open: %v", err)
	}

	if err := term.SoftReset(); err != nil {
		t.Fatal(err)
	}
	readUntil(t, ctx, term.Output(), &seen, "MPY: soft reboot")

	term.Close()
	for range term.Output() {
	}
	if term.Err() != nil {
		t.Errorf("Err after Close: %v", term.Err())
	}
	if _, err := m.Check(ctx, port); err != nil {
		t.Errorf("check after the terminal let go: %v", err)
	}
}

func TestModuleServicesTerminalUnplugged(t *testing.T) {
	peer := startModulePeer(t, nil)
	ctx, port := testContext(t), peer.Path()
	m := newModuleServices()
	term, err := m.Open(ctx, port)
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	var seen bytes.Buffer
	readUntil(t, ctx, term.Output(), &seen, ">>> ")
	peer.Kill()
	for range term.Output() {
	}
	if !errors.Is(term.Err(), repl.ErrPortGone) {
		t.Errorf("Err after unplug: %v", term.Err())
	}
	// The port is free again: a check now fails on the port, not on the lock.
	if _, err := m.Check(ctx, port); err == nil || errors.Is(err, widgets.ErrTerminalHoldsPort) {
		t.Errorf("check after unplug: %v", err)
	}
}

func TestModuleServicesOpenAtTheChosenBaudRate(t *testing.T) {
	m := newModuleServices()
	if got := m.openOptions().BaudRate; got != 0 {
		t.Fatalf("without settings: %d, want 0 (the REPL's own default)", got)
	}
	rate := 9600
	m.baud = func() int { return rate }
	if got := m.openOptions().BaudRate; got != 9600 {
		t.Fatalf("baud %d, want 9600", got)
	}
	rate = 57600 // changed in Settings: the next open follows
	if got := m.openOptions().BaudRate; got != 57600 {
		t.Fatalf("baud %d after the change, want 57600", got)
	}
}

// A port another qpyhub holds (the command line, a second window) is
// refused at once with who holds it, and is free again for the window
// once that program lets go.
func TestModuleServicesPortHeldByAnotherProgram(t *testing.T) {
	peer := startModulePeer(t, nil)
	ctx, port := testContext(t), peer.Path()
	other, err := repl.Open(ctx, port, repl.Options{})
	if err != nil {
		t.Fatal(err)
	}
	m := newModuleServices()
	var inUse *repl.InUseError
	if _, err := m.Check(ctx, port); !errors.As(err, &inUse) || inUse.PID == 0 {
		t.Fatalf("check of a held port: %v, want an *repl.InUseError naming the holder", err)
	}
	if _, err := m.Open(ctx, port); !errors.As(err, &inUse) {
		t.Fatalf("terminal on a held port: %v, want an *repl.InUseError", err)
	}
	other.Close()
	if _, err := m.Check(ctx, port); err != nil {
		t.Fatalf("check once the port is free: %v", err)
	}
}
