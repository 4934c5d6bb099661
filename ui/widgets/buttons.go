package widgets

import "fyne.io/fyne/v2"

// EnableIf enables w when enabled holds and disables it otherwise.
func EnableIf(w fyne.Disableable, enabled bool) {
	if enabled {
		w.Enable()
	} else {
		w.Disable()
	}
}

// TapIfActive runs f, the action of a button, only when the button could
// be tapped now: a shortcut or a menu entry never acts where a click
// could not.
func TapIfActive(disabled, visible bool, f func()) {
	if !disabled && visible {
		f()
	}
}
