package console

import "qpyhub/ui/widgets"

// Entry points for the window's menu and keyboard shortcuts. Each one
// does what the matching button does, and nothing when that button is
// disabled or hidden, so a shortcut never acts where a click could not.

// ConnectNow connects the console to its chosen target.
func (s *Screen) ConnectNow() {
	widgets.TapIfActive(s.Target.Connect.Disabled(), s.Target.Connect.Visible(), s.Target.connect)
}

// DisconnectNow closes the console's session.
func (s *Screen) DisconnectNow() {
	widgets.TapIfActive(s.Target.Disconnect.Disabled(), s.Target.Disconnect.Visible(), s.Target.disconnect)
}

// ClearMessages empties the console's message list.
func (s *Screen) ClearMessages() { s.Messages.clear() }

// ExportMessages asks where to save the messages shown.
func (s *Screen) ExportMessages() { s.Messages.exportDialog() }
