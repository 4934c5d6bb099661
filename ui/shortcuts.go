package ui

import (
	"runtime"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/lang"
)

// The window's keyboard shortcuts, for what a technician repeats all day.
// Ctrl on Windows and Linux, Cmd on macOS.
var (
	ShortcutCheckModule  = &desktop.CustomShortcut{KeyName: fyne.KeyR, Modifier: fyne.KeyModifierShortcutDefault}
	ShortcutConnect      = &desktop.CustomShortcut{KeyName: fyne.KeyC, Modifier: fyne.KeyModifierShortcutDefault | fyne.KeyModifierShift}
	ShortcutClearConsole = &desktop.CustomShortcut{KeyName: fyne.KeyL, Modifier: fyne.KeyModifierShortcutDefault}
)

// CheckModule shows the Module screen and checks the module again.
func (m *MainWindow) CheckModule() {
	m.SelectScreen("module")
	m.Module.StartCheck()
}

// ConnectConsole shows the Console screen and connects it.
func (m *MainWindow) ConnectConsole() {
	m.SelectScreen("console")
	m.Console.ConnectNow()
}

// DisconnectConsole shows the Console screen and disconnects it.
func (m *MainWindow) DisconnectConsole() {
	m.SelectScreen("console")
	m.Console.DisconnectNow()
}

// ClearConsole shows the Console screen and empties its message list.
func (m *MainWindow) ClearConsole() {
	m.SelectScreen("console")
	m.Console.ClearMessages()
}

// addShortcuts registers the shortcuts on the window's canvas (the main
// menu, when there is one, shows them and takes them first) and names them
// on the console's buttons, since Fyne has no tooltips.
func (m *MainWindow) addShortcuts(c fyne.Canvas) {
	for sc, run := range map[*desktop.CustomShortcut]func(){
		ShortcutCheckModule:  m.CheckModule,
		ShortcutConnect:      m.ConnectConsole,
		ShortcutClearConsole: m.ClearConsole,
	} {
		c.AddShortcut(sc, func(fyne.Shortcut) { run() })
	}
	m.Console.Target.Connect.SetText(withShortcut(lang.L("Connect"), ShortcutConnect))
	m.Console.Messages.Clear.SetText(withShortcut(lang.L("Clear"), ShortcutClearConsole))
}

// withShortcut appends the key combination to a button's label.
func withShortcut(label string, sc *desktop.CustomShortcut) string {
	return label + " (" + ShortcutText(sc) + ")"
}

// ShortcutText writes a shortcut the way a keyboard shows it: "Ctrl+Shift+C".
func ShortcutText(sc *desktop.CustomShortcut) string {
	var parts []string
	mods := sc.Modifier
	if mods&fyne.KeyModifierSuper != 0 {
		if runtime.GOOS == "darwin" {
			parts = append(parts, "Cmd")
		} else {
			parts = append(parts, "Super")
		}
	}
	if mods&fyne.KeyModifierControl != 0 {
		parts = append(parts, "Ctrl")
	}
	if mods&fyne.KeyModifierAlt != 0 {
		parts = append(parts, "Alt")
	}
	if mods&fyne.KeyModifierShift != 0 {
		parts = append(parts, "Shift")
	}
	return strings.Join(append(parts, string(sc.KeyName)), "+")
}
