package assets

import (
	"encoding/json"
	"io/fs"
	"path"
)

// Languages are the languages every text is translated into, as the
// translation files name them.
func Languages() []string { return []string{"en", "zh_Hans"} }

// Texts merges the translation files of one language into one map from
// the English source text to the text shown.
func Texts(language string) (map[string]string, error) {
	return mergeTexts(Translations, "translations", language)
}

// mergeTexts merges the "<area>.<language>.json" files of dir.
func mergeTexts(fsys fs.FS, dir, language string) (map[string]string, error) {
	names, err := fs.Glob(fsys, path.Join(dir, "*."+language+".json"))
	if err != nil {
		return nil, err
	}
	all := map[string]string{}
	for _, name := range names {
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		var m map[string]string
		if err := json.Unmarshal(data, &m); err != nil {
			return nil, err
		}
		for k, v := range m {
			all[k] = v
		}
	}
	return all, nil
}
