package ui

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"qpyhub/device/ports"
	"qpyhub/ui/widgets"
)

// TerminalScreen is the module's Python REPL for a person: what the module
// prints, an input line with history, and the REPL's control keys.
type TerminalScreen struct {
	Connect                 *widget.Button // connects, or disconnects when connected
	State                   *widget.Label
	Output                  *widget.TextGrid
	Input                   *historyEntry
	Send                    *widget.Button
	CtrlC, CtrlD, SoftReset *widget.Button
	Clear, CopyAll, SaveLog *widget.Button

	// saveFile asks for the file to save the log in; tests replace it.
	saveFile func(name string, done func(fyne.URIWriteCloser, error))

	text       *scrollback
	session    TerminalSession // nil while disconnected
	connecting bool
	port       string // the port of the session

	terminal ReplTerminal
	current  *widgets.ModulePort
	status   *StatusBar
	post     func(func())
	content  fyne.CanvasObject
}

// NewTerminalScreen builds the terminal for the chosen module port; w is
// the window its dialogs belong to; post runs a function on the UI
// goroutine (the window binds it once).
func NewTerminalScreen(w fyne.Window, terminal ReplTerminal, current *widgets.ModulePort, status *StatusBar, post func(func())) *TerminalScreen {
	s := &TerminalScreen{terminal: terminal, current: current, status: status, post: post, text: newScrollback(terminalScrollback)}
	s.saveFile = func(name string, done func(fyne.URIWriteCloser, error)) {
		d := dialog.NewFileSave(done, w)
		d.SetFileName(name)
		d.Show()
	}
	s.Connect = widget.NewButtonWithIcon(lang.L("Connect"), theme.LoginIcon(), s.toggle)
	s.Connect.Importance = widget.HighImportance
	s.State = widget.NewLabel("")
	s.State.Wrapping = fyne.TextWrapWord
	s.Output = widget.NewTextGrid()
	s.Output.Scroll = fyne.ScrollBoth
	s.Input = newHistoryEntry()
	s.Input.SetPlaceHolder(lang.L("Python, then Enter"))
	s.Input.OnSubmitted = s.sendLine
	s.Input.onInterrupt = func() { s.control(TerminalSession.Interrupt) }
	s.Send = widget.NewButtonWithIcon(lang.L("Send"), theme.MailSendIcon(), func() { s.sendLine(s.Input.Text) })
	s.CtrlC = widget.NewButton(lang.L("Ctrl-C (stop)"), func() { s.control(TerminalSession.Interrupt) })
	s.CtrlD = widget.NewButton("Ctrl-D", func() { s.write([]byte{0x04}) })
	s.SoftReset = widget.NewButtonWithIcon(lang.L("Soft reset"), theme.MediaReplayIcon(), func() { s.control(TerminalSession.SoftReset) })
	s.Clear = widget.NewButtonWithIcon(lang.L("Clear"), theme.ContentClearIcon(), s.clear)
	s.CopyAll = widget.NewButtonWithIcon(lang.L("Copy all"), theme.ContentCopyIcon(), func() {
		fyne.CurrentApp().Clipboard().SetContent(s.text.Text())
	})
	s.SaveLog = widget.NewButtonWithIcon(lang.L("Save log…"), theme.DocumentSaveIcon(), s.askSave)

	top := container.NewBorder(nil, nil, nil, s.Connect, s.State)
	keys := container.NewHBox(s.CtrlC, s.CtrlD, s.SoftReset, widget.NewSeparator(), s.Clear, s.CopyAll, s.SaveLog)
	input := container.NewBorder(nil, nil, nil, s.Send, s.Input)
	s.content = container.NewBorder(container.NewVBox(top, keys), input, nil, nil, s.Output)
	current.OnChanged(func(ports.Port) { s.portChanged() })
	s.portChanged()
	return s
}

// Content is the screen's widget tree.
func (s *TerminalScreen) Content() fyne.CanvasObject { return s.content }

// Connected tells whether a session is open.
func (s *TerminalScreen) Connected() bool { return s.session != nil }

// Text is everything the scrollback holds.
func (s *TerminalScreen) Text() string { return s.text.Text() }

func (s *TerminalScreen) toggle() {
	if s.session != nil {
		s.Disconnect()
		return
	}
	s.connectTo(s.current.Name())
}

func (s *TerminalScreen) connectTo(port string) {
	if port == "" || s.connecting {
		return
	}
	s.connecting = true
	s.setState(lang.L("Connecting to {{.Port}}…", map[string]any{"Port": port}), widget.MediumImportance)
	s.refresh()
	go func() {
		sess, err := s.terminal.Open(context.Background(), port)
		s.post(func() {
			s.connecting = false
			if err != nil {
				s.setState(widgets.ExplainModuleFailure(err).Text(), widget.DangerImportance)
				s.refresh()
				return
			}
			s.session, s.port = sess, port
			s.setState(lang.L("Connected to {{.Port}}", map[string]any{"Port": port}), widget.SuccessImportance)
			s.status.SetConnection(lang.L("Terminal: {{.Port}}", map[string]any{"Port": port}))
			s.refresh()
			if c := fyne.CurrentApp().Driver().CanvasForObject(s.Input); c != nil {
				c.Focus(s.Input)
			}
			go s.pump(sess)
		})
	}()
}

// pump shows what the module prints until the session ends.
func (s *TerminalScreen) pump(sess TerminalSession) {
	for chunk := range sess.Output() {
		s.post(func() { s.show(chunk) })
	}
	err := sess.Err()
	s.post(func() { s.ended(sess, err) })
}

func (s *TerminalScreen) show(chunk []byte) {
	s.text.Write(chunk)
	s.Output.SetText(s.text.Text())
	s.Output.ScrollToBottom()
}

// ended forgets a session whose output closed: after Disconnect, or
// because the port went away.
func (s *TerminalScreen) ended(sess TerminalSession, err error) {
	if s.session != sess {
		return
	}
	s.session = nil
	s.status.SetConnection("")
	if err != nil {
		t := widgets.ExplainModuleFailure(err)
		s.setState(t.Text()+"\n"+lang.L("Input is off until you connect again."), widget.DangerImportance)
		s.status.SetMessage(t.What)
	} else {
		s.setState(lang.L("Disconnected from {{.Port}}", map[string]any{"Port": s.port}), widget.MediumImportance)
	}
	s.refresh()
}

// Disconnect gives the port back to the other screens.
func (s *TerminalScreen) Disconnect() {
	if s.session == nil {
		return
	}
	sess := s.session
	sess.Close()
	s.ended(sess, nil)
}

func (s *TerminalScreen) sendLine(line string) {
	if s.session == nil {
		return
	}
	s.Input.remember(line)
	s.Input.SetText("")
	s.write([]byte(line + "\r"))
}

func (s *TerminalScreen) write(b []byte) {
	if s.session == nil {
		return
	}
	if err := s.session.Write(b); err != nil {
		s.setState(widgets.ExplainModuleFailure(err).Text(), widget.DangerImportance)
	}
}

func (s *TerminalScreen) control(op func(TerminalSession) error) {
	if s.session == nil {
		return
	}
	if err := op(s.session); err != nil {
		s.setState(widgets.ExplainModuleFailure(err).Text(), widget.DangerImportance)
	}
}

func (s *TerminalScreen) clear() {
	s.text.Clear()
	s.Output.SetText("")
}

func (s *TerminalScreen) askSave() {
	log := s.text.Text()
	s.saveFile("qpyhub-terminal.log", func(w fyne.URIWriteCloser, err error) {
		if err == nil && w != nil {
			_, err = w.Write([]byte(log))
			if cerr := w.Close(); err == nil {
				err = cerr
			}
			if err == nil {
				s.status.SetMessage(lang.L("Terminal log saved to {{.File}}", map[string]any{"File": w.URI().Path()}))
			}
		}
		if err != nil {
			s.setState(lang.L("The log could not be saved: {{.Error}}", map[string]any{"Error": widgets.ErrorText(err)}), widget.DangerImportance)
		}
	})
}

func (s *TerminalScreen) setState(text string, imp widget.Importance) {
	s.State.Importance = imp
	s.State.SetText(text)
}

// refresh enables what makes sense now.
func (s *TerminalScreen) refresh() {
	on := s.session != nil
	if on {
		s.Connect.SetText(lang.L("Disconnect"))
		s.Connect.SetIcon(theme.LogoutIcon())
	} else {
		s.Connect.SetText(lang.L("Connect"))
		s.Connect.SetIcon(theme.LoginIcon())
	}
	widgets.EnableIf(s.Connect, on || (!s.connecting && s.current.Name() != ""))
	for _, b := range []*widget.Button{s.Send, s.CtrlC, s.CtrlD, s.SoftReset} {
		widgets.EnableIf(b, on)
	}
	if on {
		s.Input.Enable()
	} else {
		s.Input.Disable()
	}
}

// portChanged tells what Connect would do now; an open session stays on
// its own port (and ends by itself if that port went away).
func (s *TerminalScreen) portChanged() {
	if s.session == nil && !s.connecting {
		switch {
		case s.current.Name() == "" && s.State.Importance == widget.DangerImportance:
			// keep saying why the session ended until a port is back
		case s.current.Name() == "":
			s.setState(lang.L("No module port: choose one on the Ports screen"), widget.MediumImportance)
		default:
			s.setState(lang.L("Press Connect to open the REPL on {{.Port}}", map[string]any{"Port": s.current.Name()}), widget.MediumImportance)
		}
	}
	s.refresh()
}

// SaveLogAs asks where to save the terminal's text, as the Save log
// button does; the menu calls it.
func (s *TerminalScreen) SaveLogAs() {
	widgets.TapIfActive(s.SaveLog.Disabled(), s.SaveLog.Visible(), s.askSave)
}
