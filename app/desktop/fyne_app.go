package desktop

import (
	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"

	"qpyhub/app/settings"
	"qpyhub/ui"
)

// qpyApp is the Fyne app with qpyhub's preferences in place of Fyne's.
//
// Fyne keeps its own preferences file and watches its folder; when the app
// stops, its last save and the watcher's re-read race (the re-read runs
// outside the stopped event loop) and log "Preferences load error: EOF".
// So Fyne's app is created without an ID, which keeps its preferences in
// memory and unwatched, and everything that asks the current app for
// preferences (our screens, Fyne's file dialogs) gets the prefstore file.
type qpyApp struct {
	fyne.App
	prefs fyne.Preferences
}

func (a *qpyApp) Preferences() fyne.Preferences { return a.prefs }
func (a *qpyApp) UniqueID() string              { return settings.AppID }

func (a *qpyApp) Metadata() fyne.AppMetadata {
	m := a.App.Metadata()
	m.ID = settings.AppID
	return m
}

// newFyneApp creates the Fyne app and makes it the current one.
func newFyneApp(prefs fyne.Preferences, version string) fyne.App {
	// A packaged build sets the metadata, ID included, before main runs;
	// the ID is what turns Fyne's preference file on, so it is cleared.
	fyneapp.SetMetadata(fyne.AppMetadata{Name: "qpyhub", Version: version, Icon: ui.AppIcon})
	a := &qpyApp{App: fyneapp.NewWithID(""), prefs: prefs}
	fyne.SetCurrentApp(a)
	a.SetIcon(ui.AppIcon)
	return a
}
