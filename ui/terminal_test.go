package ui

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"

	"qpyhub/device/ports"
	"qpyhub/device/repl"
	"qpyhub/ui/internal/uitest"
	"qpyhub/ui/widgets"
)

// fakeTerminal opens fake REPL sessions, or fails with openErr.
type fakeTerminal struct {
	openErr error
	last    *fakeReplSession
}

func (f *fakeTerminal) Open(_ context.Context, port string) (TerminalSession, error) {
	if f.openErr != nil {
		return nil, f.openErr
	}
	f.last = &fakeReplSession{out: make(chan []byte, 64)}
	return f.last, nil
}

// fakeReplSession answers a line the way the friendly REPL does: echo,
// the result, a new prompt; the bytes arrive split in the middle of
// characters, as USB reads split them.
type fakeReplSession struct {
	mu       sync.Mutex
	written  []string
	controls []string
	out      chan []byte
	err      error
	once     sync.Once
}

func (f *fakeReplSession) Write(p []byte) error {
	f.mu.Lock()
	f.written = append(f.written, string(p))
	f.mu.Unlock()
	line := strings.TrimSuffix(string(p), "\r")
	answer := []byte(line + "\r\n")
	if strings.HasPrefix(line, "print('") {
		answer = append(answer, strings.TrimSuffix(strings.TrimPrefix(line, "print('"), "')")+"\r\n"...)
	}
	answer = append(answer, ">>> "...)
	for len(answer) > 0 {
		n := min(len(answer), 4) // cuts 3-byte characters apart
		f.out <- answer[:n]
		answer = answer[n:]
	}
	return nil
}

func (f *fakeReplSession) Output() <-chan []byte { return f.out }
func (f *fakeReplSession) Err() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.err
}
func (f *fakeReplSession) Interrupt() error { f.control("interrupt"); return nil }
func (f *fakeReplSession) SoftReset() error { f.control("soft reset"); return nil }
func (f *fakeReplSession) Close()           { f.once.Do(func() { close(f.out) }) }

func (f *fakeReplSession) control(what string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.controls = append(f.controls, what)
}

// unplug ends the session the way a pulled cable does.
func (f *fakeReplSession) unplug() {
	f.mu.Lock()
	f.err = &repl.PortError{Path: "/dev/ttyUSB2", Err: syscall.EIO}
	f.mu.Unlock()
	f.once.Do(func() { close(f.out) })
}

func (f *fakeReplSession) sent() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.written...)
}

func newTerminalRig(t *testing.T) (*TerminalScreen, *fakeTerminal, *uitest.Queue) {
	t.Helper()
	test.NewTempApp(t)
	ft, q := &fakeTerminal{}, uitest.NewQueue()
	current := widgets.NewModulePort()
	current.Set(ports.Port{Name: "/dev/ttyUSB2"})
	w := test.NewTempWindow(t, nil)
	s := NewTerminalScreen(w, ft, current, NewStatusBar(), q.Post)
	w.SetContent(s.Content())
	w.Resize(fyne.NewSize(1000, 700))
	return s, ft, q
}

func connectTerminal(t *testing.T, s *TerminalScreen, q *uitest.Queue) {
	t.Helper()
	if !s.Input.Disabled() {
		t.Error("input enabled before connecting")
	}
	test.Tap(s.Connect)
	q.RunUntil(t, "the terminal to connect", s.Connected)
	if s.Input.Disabled() || s.Connect.Text != "Disconnect" {
		t.Errorf("connected, but input disabled=%v, button %q", s.Input.Disabled(), s.Connect.Text)
	}
}

func enter(s *TerminalScreen, line string) {
	test.Type(s.Input, line)
	s.Input.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
}

func TestTerminalSendsLinesAndShowsChineseIntact(t *testing.T) {
	s, ft, q := newTerminalRig(t)
	connectTerminal(t, s, q)
	enter(s, "print('你好，模组')")
	q.RunUntil(t, "the answer", func() bool { return strings.HasSuffix(s.Text(), "你好，模组\n>>> ") })
	if got := ft.last.sent(); len(got) != 1 || got[0] != "print('你好，模组')\r" {
		t.Errorf("sent %q", got)
	}
	if !strings.Contains(s.Output.Text(), "你好，模组") || s.Input.Text != "" {
		t.Errorf("shown %q, input left %q", s.Output.Text(), s.Input.Text)
	}

	test.Tap(s.CopyAll)
	if got := fyne.CurrentApp().Clipboard().Content(); got != s.Text() {
		t.Errorf("copied %q", got)
	}
	saved := filepath.Join(t.TempDir(), "log.txt")
	s.saveFile = func(_ string, done func(fyne.URIWriteCloser, error)) { done(storage.Writer(storage.NewFileURI(saved))) }
	test.Tap(s.SaveLog)
	if got, _ := os.ReadFile(saved); !strings.Contains(string(got), "你好，模组\n>>> ") {
		t.Errorf("saved log %q", got)
	}
	test.Tap(s.Clear)
	if s.Output.Text() != "" {
		t.Errorf("after Clear: %q", s.Output.Text())
	}
}

func TestTerminalHistoryAndControlKeys(t *testing.T) {
	s, ft, q := newTerminalRig(t)
	connectTerminal(t, s, q)
	enter(s, "a = 1")
	enter(s, "a + 1")
	q.RunUntil(t, "both lines echoed", func() bool { return strings.Count(s.Text(), ">>> ") == 2 })

	test.Type(s.Input, "dra")
	var seen []string
	for _, k := range []fyne.KeyName{fyne.KeyUp, fyne.KeyUp, fyne.KeyUp, fyne.KeyDown, fyne.KeyDown} {
		s.Input.TypedKey(&fyne.KeyEvent{Name: k})
		seen = append(seen, s.Input.Text)
	}
	want := []string{"a + 1", "a = 1", "a = 1", "a + 1", "dra"}
	if strings.Join(seen, "|") != strings.Join(want, "|") {
		t.Errorf("history walk %q, want %q", seen, want)
	}

	test.Tap(s.CtrlC)
	test.Tap(s.SoftReset)
	test.Tap(s.CtrlD)
	if c := strings.Join(ft.last.controls, ","); c != "interrupt,soft reset" {
		t.Errorf("controls %q", c)
	}
	if got := ft.last.sent(); got[len(got)-1] != "\x04" {
		t.Errorf("Ctrl-D sent %q", got[len(got)-1])
	}

	// Ctrl+C in the input line: with nothing selected it stops the
	// program; with a selection it copies and stops nothing.
	s.Input.SetText("")
	s.Input.TypedShortcut(&fyne.ShortcutCopy{Clipboard: fyne.CurrentApp().Clipboard()})
	if c := strings.Join(ft.last.controls, ","); c != "interrupt,soft reset,interrupt" {
		t.Errorf("Ctrl+C in an empty input: controls %q", c)
	}
	s.Input.SetText("print(42)")
	s.Input.TypedShortcut(&fyne.ShortcutSelectAll{})
	s.Input.TypedShortcut(&fyne.ShortcutCopy{Clipboard: fyne.CurrentApp().Clipboard()})
	if got := fyne.CurrentApp().Clipboard().Content(); got != "print(42)" {
		t.Errorf("Ctrl+C with a selection copied %q", got)
	}
	if c := strings.Join(ft.last.controls, ","); c != "interrupt,soft reset,interrupt" {
		t.Errorf("Ctrl+C with a selection interrupted: controls %q", c)
	}
}

func TestTerminalUnplugDisablesInput(t *testing.T) {
	s, ft, q := newTerminalRig(t)
	connectTerminal(t, s, q)
	ft.last.unplug()
	q.RunUntil(t, "the session to end", func() bool { return !s.Connected() })
	if !strings.Contains(s.State.Text, repl.ErrPortGone.Error()) || !strings.Contains(s.State.Text, "Input is off") {
		t.Errorf("state %q", s.State.Text)
	}
	if !s.Input.Disabled() || !s.Send.Disabled() || !s.CtrlC.Disabled() || s.Connect.Text != "Connect" {
		t.Error("input or keys still enabled after the port went away")
	}
}

func TestTerminalDisconnectAndBusyPort(t *testing.T) {
	s, ft, q := newTerminalRig(t)
	connectTerminal(t, s, q)
	test.Tap(s.Connect) // now Disconnect
	if s.Connected() || !strings.Contains(s.State.Text, "Disconnected from /dev/ttyUSB2") {
		t.Errorf("after Disconnect: connected=%v state %q", s.Connected(), s.State.Text)
	}
	if _, open := <-ft.last.out; open {
		t.Error("the session was not closed")
	}

	ft.openErr = widgets.ErrPortBusy
	test.Tap(s.Connect)
	q.RunUntil(t, "the refusal", func() bool { return strings.Contains(s.State.Text, "Another operation is using this port") })
	if s.Connected() || !s.Input.Disabled() {
		t.Error("connected although the port was busy")
	}
}
