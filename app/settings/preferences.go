package settings

import (
	"log/slog"
	"os"
	"path/filepath"

	"qpyhub/app/prefstore"
)

// AppID names qpyhub to the OS (screen-saver inhibit, notifications) and
// named the folder of the preferences an earlier version kept.
const AppID = "io.github.qpyhub"

// OpenPreferences opens what the window remembers (settings, last screen,
// window size, last port). The file sits next to the local hub's registry
// and the log; the first time, the values an earlier version kept in
// Fyne's own preferences file are carried over. It never fails: without
// a readable folder the values last for this run only, and the returned
// error says why.
func OpenPreferences() (*prefstore.Store, error) {
	dir, err := os.UserConfigDir()
	if err != nil {
		return prefstore.InMemory(), err
	}
	earlier := filepath.Join(dir, "fyne", AppID, "preferences.json")
	return prefstore.Open(filepath.Join(dir, "qpyhub", "preferences.json"), earlier)
}

// LogPreferenceErrors sends failed writes to the log; the value still
// holds for this run.
func LogPreferenceErrors(p *prefstore.Store, log *slog.Logger) {
	p.OnSaveError(func(err error) {
		log.Error("preferences not saved", "err", err)
	})
}
