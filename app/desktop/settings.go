package desktop

import (
	"fyne.io/fyne/v2"

	"qpyhub/app/settings"
	"qpyhub/ui"
)

// startSettings applies the stored settings that matter before the
// window shows: language and theme. It returns them for the rest of the
// wiring.
func startSettings(a fyne.App, prefs fyne.Preferences) settings.Settings {
	settings.ApplyLanguage(prefs)
	s := settings.Load(prefs)
	a.Settings().SetTheme(ui.ThemeFor(s.Theme))
	return s
}
