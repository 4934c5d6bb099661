package ui

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"github.com/go-text/typesetting/font"

	"qpyhub/assets"
)

// Every Chinese character the app can show must be in the embedded font,
// or it renders as a box on machines without a CJK font.
func TestChineseFontCoversTheTranslations(t *testing.T) {
	face, err := font.ParseTTF(bytes.NewReader(assets.ChineseFontOTF))
	if err != nil {
		t.Fatalf("the embedded font does not parse: %v", err)
	}
	names, err := fs.Glob(assets.Translations, "translations/*.zh_Hans.json")
	if err != nil || len(names) == 0 {
		t.Fatalf("no Chinese translations found (%v)", err)
	}
	checked := 0
	missing := map[rune]string{}
	for _, name := range names {
		data, err := fs.ReadFile(assets.Translations, name)
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]string
		if err := json.Unmarshal(data, &m); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for _, text := range m {
			for _, r := range text {
				if r < 0x2000 { // Latin and friends come from Fyne's own fonts
					continue
				}
				checked++
				if _, ok := face.NominalGlyph(r); !ok {
					missing[r] = name
				}
			}
		}
	}
	if checked < 1000 {
		t.Fatalf("only %d characters checked: the translations did not load", checked)
	}
	for r, name := range missing {
		t.Errorf("%q (U+%04X, used in %s) is not in the embedded font: run scripts/make-cjk-font", r, r, name)
	}
}

func TestThemeUsesTheChineseFontForText(t *testing.T) {
	th := NewTheme()
	for _, style := range []fyne.TextStyle{{}, {Bold: true}, {Monospace: true}, {Italic: true}} {
		if th.Font(style) != chineseFont {
			t.Errorf("style %+v: not the Chinese font", style)
		}
	}
	if th.Font(fyne.TextStyle{Symbol: true}) == chineseFont {
		t.Error("symbols must keep the default symbol font")
	}
	if !strings.HasSuffix(chineseFont.Name(), ".otf") {
		t.Errorf("font resource name %q", chineseFont.Name())
	}
}
