package ui

// Exported entry points for the menu and the keyboard shortcuts. Each one
// does what the matching button does, and nothing when that button is
// disabled or hidden, so a shortcut never acts where a click could not.

// ConnectNow connects the console to its chosen target.
func (s *ConsoleScreen) ConnectNow() {
	tapIfActive(s.Target.Connect.Disabled(), s.Target.Connect.Visible(), s.Target.connect)
}

// DisconnectNow closes the console's session.
func (s *ConsoleScreen) DisconnectNow() {
	tapIfActive(s.Target.Disconnect.Disabled(), s.Target.Disconnect.Visible(), s.Target.disconnect)
}

// ClearMessages empties the console's message list.
func (s *ConsoleScreen) ClearMessages() { s.Messages.clear() }

// ExportMessages asks where to save the messages shown.
func (s *ConsoleScreen) ExportMessages() { s.Messages.exportDialog() }

// SaveLogAs asks where to save the terminal's text.
func (s *TerminalScreen) SaveLogAs() {
	tapIfActive(s.SaveLog.Disabled(), s.SaveLog.Visible(), s.askSave)
}

func tapIfActive(disabled, visible bool, f func()) {
	if !disabled && visible {
		f()
	}
}
