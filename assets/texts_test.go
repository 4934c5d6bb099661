package assets

import (
	"testing"
	"testing/fstest"
)

func TestMergeTextsMergesOneLanguage(t *testing.T) {
	fsys := fstest.MapFS{
		"tr/a.en.json":      {Data: []byte(`{"Ports":"Ports"}`)},
		"tr/b.en.json":      {Data: []byte(`{"Quit":"Quit"}`)},
		"tr/a.zh_Hans.json": {Data: []byte(`{"Ports":"端口"}`)},
	}
	m, err := mergeTexts(fsys, "tr", "zh_Hans")
	if err != nil || len(m) != 1 || m["Ports"] != "端口" {
		t.Errorf("zh_Hans texts %v (%v)", m, err)
	}
	m, err = mergeTexts(fsys, "tr", "en")
	if err != nil || len(m) != 2 {
		t.Errorf("en texts %v (%v)", m, err)
	}
	if _, err := mergeTexts(fstest.MapFS{"tr/a.en.json": {Data: []byte(`{`)}}, "tr", "en"); err == nil {
		t.Error("a broken file merged without an error")
	}
}

func TestTextsOfEveryLanguage(t *testing.T) {
	for _, l := range Languages() {
		m, err := Texts(l)
		if err != nil || m["Ports"] == "" {
			t.Errorf("%s: %d texts, Ports = %q (%v)", l, len(m), m["Ports"], err)
		}
	}
}
