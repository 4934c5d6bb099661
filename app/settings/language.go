package settings

import (
	"encoding/json"
	"os"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"

	"qpyhub/assets"
)

// LoadTranslations registers the English and Simplified Chinese texts. The
// language follows the system locale (LANGUAGE, LC_ALL, LANG on Linux; the
// user's UI language on Windows) until ApplyLanguage says otherwise.
func LoadTranslations() {
	if err := lang.AddTranslationsFS(assets.Translations, "translations"); err != nil {
		fyne.LogError("loading translations", err)
	}
}

// languageEnv is the LANGUAGE value for a language choice, "" for
// "follow the system" (the environment is then left alone).
func languageEnv(l Language) string {
	switch l {
	case LanguageEnglish:
		return "en"
	case LanguageChinese:
		return "zh_CN"
	}
	return ""
}

// ApplyLanguage makes the window speak the language chosen on the Settings
// screen, before any text is built. LANGUAGE carries the choice on Linux
// (for Fyne's own texts too); Windows takes the language from the user's
// display settings instead, so the chosen texts are also registered under
// the locales Fyne may pick there.
func ApplyLanguage(prefs fyne.Preferences) {
	choice := Load(prefs).Language
	env := languageEnv(choice)
	if env == "" {
		return
	}
	if err := os.Setenv("LANGUAGE", env); err != nil {
		fyne.LogError("setting the language", err)
	}
	forceLanguage(choice)
}

// forceLanguage registers qpyhub's texts in language l under English,
// Chinese and the system's own locale, so that whichever of them Fyne
// matches, l is what it shows. Registering also makes Fyne read the
// locale again.
func forceLanguage(l Language) {
	data, err := textsJSON(string(l))
	if err != nil {
		fyne.LogError("reading the translations", err)
		return
	}
	for _, loc := range []fyne.Locale{"en", "zh-Hans", lang.SystemLocale()} {
		if err := lang.AddTranslationsForLocale(data, loc); err != nil {
			fyne.LogError("registering the translations", err)
		}
	}
}

// textsJSON is one language's texts as Fyne's lang package reads them.
func textsJSON(language string) ([]byte, error) {
	m, err := assets.Texts(language)
	if err != nil {
		return nil, err
	}
	return json.Marshal(m)
}
