package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// terminalHistorySize bounds the lines Up and Down walk through.
const terminalHistorySize = 200

// historyEntry is the terminal's input line: Enter sends it, Up and Down
// walk through the lines sent before, as in a shell, and Ctrl+C with
// nothing selected stops the module's program, as in a terminal (with a
// selection it copies, as everywhere else).
type historyEntry struct {
	widget.Entry
	onInterrupt func() // nil: Ctrl+C only copies
	history     []string
	at          int    // index into history while walking; len(history) when not
	draft       string // what was typed before walking started
}

func newHistoryEntry() *historyEntry {
	e := &historyEntry{}
	e.ExtendBaseWidget(e)
	e.TextStyle = fyne.TextStyle{Monospace: true}
	return e
}

// TypedKey walks the history on Up and Down; other keys edit as usual.
func (e *historyEntry) TypedKey(key *fyne.KeyEvent) {
	switch key.Name {
	case fyne.KeyUp:
		e.walk(-1)
	case fyne.KeyDown:
		e.walk(+1)
	default:
		e.Entry.TypedKey(key)
	}
}

// TypedShortcut turns Ctrl+C without a selection into an interrupt.
func (e *historyEntry) TypedShortcut(sc fyne.Shortcut) {
	if _, isCopy := sc.(*fyne.ShortcutCopy); isCopy && e.SelectedText() == "" && e.onInterrupt != nil && !e.Disabled() {
		e.onInterrupt()
		return
	}
	e.Entry.TypedShortcut(sc)
}

func (e *historyEntry) walk(step int) {
	if len(e.history) == 0 {
		return
	}
	if e.at == len(e.history) {
		e.draft = e.Text
	}
	next := e.at + step
	if next < 0 || next > len(e.history) {
		return
	}
	e.at = next
	if next == len(e.history) {
		e.SetText(e.draft)
	} else {
		e.SetText(e.history[next])
	}
	e.CursorColumn = len([]rune(e.Text))
	e.Refresh()
}

// remember adds a sent line to the history (not blanks, not repeats).
func (e *historyEntry) remember(line string) {
	if line != "" && (len(e.history) == 0 || e.history[len(e.history)-1] != line) {
		e.history = append(e.history, line)
		if len(e.history) > terminalHistorySize {
			e.history = e.history[1:]
		}
	}
	e.at = len(e.history)
	e.draft = ""
}
