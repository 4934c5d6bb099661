package widgets

// StatusLine is where a screen says what the app is doing: the window's
// status bar. It is called on the UI goroutine.
type StatusLine interface {
	SetMessage(text string)
}
