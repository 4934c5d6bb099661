package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// StatusBar is the line at the bottom of the window: what the app is doing
// and where it is connected.
type StatusBar struct {
	left, right *widget.Label
	content     fyne.CanvasObject
}

// NewStatusBar makes an empty status bar.
func NewStatusBar() *StatusBar {
	s := &StatusBar{left: widget.NewLabel(""), right: widget.NewLabel("")}
	s.left.Truncation = fyne.TextTruncateEllipsis
	s.content = container.NewBorder(widget.NewSeparator(), nil, nil, s.right, s.left)
	return s
}

// Content is the bar's widget tree.
func (s *StatusBar) Content() fyne.CanvasObject { return s.content }

// SetMessage shows what the app is doing; like every widget, on the UI
// goroutine (a screen's goroutine goes through its post function).
func (s *StatusBar) SetMessage(text string) { s.left.SetText(text) }

// SetConnection shows where the app is connected, on the UI goroutine.
func (s *StatusBar) SetConnection(text string) { s.right.SetText(text) }

// Message returns the text on the left, for tests.
func (s *StatusBar) Message() string { return s.left.Text }
