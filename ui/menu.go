package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
)

// MainMenu is the window's menu bar. Every entry also shows the screen it
// acts on, so the result is in view.
func (m *MainWindow) MainMenu() *fyne.MainMenu {
	quit := fyne.NewMenuItem(lang.L("Quit"), nil)
	quit.IsQuit = true // Fyne closes every window, so the app saves and stops as usual
	file := fyne.NewMenu(lang.L("File"),
		fyne.NewMenuItem(lang.L("Save terminal log…"), func() {
			m.SelectScreen("terminal")
			m.Terminal.SaveLogAs()
		}),
		fyne.NewMenuItem(lang.L("Export console…"), func() {
			m.SelectScreen("console")
			m.Console.ExportMessages()
		}),
		fyne.NewMenuItem(lang.L("Settings"), func() { m.SelectScreen("settings") }),
		fyne.NewMenuItemSeparator(),
		quit,
	)

	check := fyne.NewMenuItem(lang.L("Check module"), m.CheckModule)
	check.Shortcut = ShortcutCheckModule
	module := fyne.NewMenu(lang.L("Module"),
		check,
		fyne.NewMenuItem(lang.L("Terminal"), func() { m.SelectScreen("terminal") }),
	)

	connect := fyne.NewMenuItem(lang.L("Connect"), m.ConnectConsole)
	connect.Shortcut = ShortcutConnect
	clear := fyne.NewMenuItem(lang.L("Clear console"), m.ClearConsole)
	clear.Shortcut = ShortcutClearConsole
	console := fyne.NewMenu(lang.L("Console"),
		connect,
		fyne.NewMenuItem(lang.L("Disconnect"), m.DisconnectConsole),
		clear,
	)

	help := fyne.NewMenu(lang.L("Help"),
		fyne.NewMenuItem(lang.L("About qpyhub"), func() { m.SelectScreen("about") }),
	)
	// The hub's screens sit low in the tab bar, in its overflow on a small
	// laptop screen: the menu reaches them whatever the window's height.
	hub := fyne.NewMenu(lang.L("Hub"),
		fyne.NewMenuItem(lang.L("Devices"), func() { m.SelectScreen("devices") }),
		fyne.NewMenuItem(lang.L("Updates"), func() { m.SelectScreen("updates") }),
	)
	return fyne.NewMainMenu(file, module, console, hub, help)
}
