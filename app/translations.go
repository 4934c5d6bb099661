package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"

	"qpyhub/assets"
)

// loadTranslations registers the English and Simplified Chinese texts. The
// language follows the system locale (LANGUAGE, LC_ALL, LANG on Linux; the
// user's UI language on Windows).
func loadTranslations() {
	if err := lang.AddTranslationsFS(assets.Translations, "translations"); err != nil {
		fyne.LogError("loading translations", err)
	}
}
