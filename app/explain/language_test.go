package explain

import (
	"encoding/json"
	"io/fs"
	"path"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"

	"qpyhub/assets"
)

// texts reads every key's text in one language from assets/translations.
func texts(t *testing.T, language string) map[string]string {
	t.Helper()
	out := map[string]string{}
	files, err := fs.Glob(assets.Translations, "translations/*."+language+".json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no %s translations (%v)", language, err)
	}
	for _, f := range files {
		data, err := fs.ReadFile(assets.Translations, f)
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]string
		if err := json.Unmarshal(data, &m); err != nil {
			t.Fatalf("%s: %v", path.Base(f), err)
		}
		for k, v := range m {
			out[k] = v
		}
	}
	return out
}

// speak makes lang.L answer in language until the test ends, and returns
// that language's texts. Fyne picks one language for the process, so the
// texts are registered under the locales it may have picked (as the
// Settings screen's language choice does), and English is put back after.
func speak(t *testing.T, language string) map[string]string {
	t.Helper()
	m := texts(t, language)
	register(t, m)
	if language != "en" {
		t.Cleanup(func() { register(t, texts(t, "en")) })
	}
	return m
}

func register(t *testing.T, m map[string]string) {
	t.Helper()
	data, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	for _, loc := range []fyne.Locale{"en", "zh-Hans", lang.SystemLocale()} {
		if err := lang.AddTranslationsForLocale(data, loc); err != nil {
			t.Fatal(err)
		}
	}
}
