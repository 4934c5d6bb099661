package app

import (
	"os"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"

	"qpyhub/assets"
)

// loadTranslations registers the English and Simplified Chinese texts. The
// language follows the system locale (LANGUAGE, LC_ALL, LANG on Linux; the
// user's UI language on Windows).
func loadTranslations() {
	settleCLocale()
	if err := lang.AddTranslationsFS(assets.Translations, "translations"); err != nil {
		fyne.LogError("loading translations", err)
	}
}

// settleCLocale maps the "C.UTF-8" locale of servers and containers to
// English. Left alone, Fyne's locale lookup cannot parse "C" and logs an
// error on every start, which would break the one-line error output of the
// commands.
func settleCLocale() {
	if os.Getenv("LANGUAGE") != "" {
		return
	}
	for _, name := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		v := os.Getenv(name)
		if v == "" {
			continue
		}
		if strings.HasPrefix(v, "C.") || strings.HasPrefix(v, "POSIX.") {
			os.Setenv("LANGUAGE", "en")
		}
		return
	}
}
