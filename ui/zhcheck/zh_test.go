package zhcheck

import (
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"
	"unicode"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"qpyhub/assets"
	"qpyhub/ui"
)

func TestMain(m *testing.M) {
	os.Setenv("LANGUAGE", "zh_CN")
	os.Setenv("LANG", "zh_CN.UTF-8")
	os.Unsetenv("LC_ALL")
	os.Unsetenv("LC_MESSAGES")
	if err := lang.AddTranslationsFS(assets.Translations, "translations"); err != nil {
		panic(err)
	}
	os.Exit(m.Run())
}

// englishPhrase finds two English words in a row, the mark of a sentence or
// label that was never translated.
var englishPhrase = regexp.MustCompile(`[A-Za-z]{2,}[ ][a-z]{2,}`)

// technical are texts that stay as they are in Chinese: product names,
// protocol words and example values.
var technical = []*regexp.Regexp{
	regexp.MustCompile(`^(Azure )?IoT Hub$`),
	regexp.MustCompile(`sr=…&sig=…`), // a SAS token example, maybe cut at the field's edge
	regexp.MustCompile(`^\{`),        // JSON examples
}

func TestEveryScreenSpeaksChinese(t *testing.T) {
	if got := lang.L("Ports"); got == "Ports" {
		t.Fatalf("Chinese is not active (lang.L(\"Ports\") = %q)", got)
	}
	test.NewTempApp(t)
	w := test.NewTempWindow(t, nil)
	w.Resize(fyne.NewSize(1280, 800))
	m := ui.NewMainWindow(w, ui.Services{})
	defer m.Ports.Stop()

	seen := map[string]bool{}
	for i := range m.Tabs.Items {
		m.Tabs.SelectIndex(i)
		walk(w.Content(), func(text string) { seen[text] = true })
	}
	if len(seen) < 50 {
		t.Fatalf("only %d texts found on the screens: the walk is broken", len(seen))
	}
	var english []string
	for text := range seen {
		if untranslated(text) {
			english = append(english, text)
		}
	}
	sort.Strings(english)
	if len(english) > 0 {
		t.Errorf("%d texts on screen are not in Chinese:\n%s", len(english), strings.Join(english, "\n"))
	}
}

func untranslated(text string) bool {
	for _, r := range text {
		if unicode.Is(unicode.Han, r) {
			return false
		}
	}
	for _, re := range technical {
		if re.MatchString(text) {
			return false
		}
	}
	return englishPhrase.MatchString(text)
}

// walk visits every text the window draws, hidden or not: tabs that are
// not selected, options of selects and placeholders included.
func walk(o fyne.CanvasObject, visit func(string)) {
	switch x := o.(type) {
	case nil:
		return
	case *canvas.Text:
		visit(x.Text)
		return
	case *fyne.Container:
		for _, c := range x.Objects {
			walk(c, visit)
		}
		return
	case *container.AppTabs:
		for _, item := range x.Items {
			visit(item.Text)
			walk(item.Content, visit)
		}
	case *container.DocTabs:
		for _, item := range x.Items {
			visit(item.Text)
			walk(item.Content, visit)
		}
	case *widget.Select:
		for _, opt := range x.Options {
			visit(opt)
		}
	case *widget.Entry:
		visit(x.PlaceHolder)
	}
	if wid, ok := o.(fyne.Widget); ok {
		for _, c := range test.WidgetRenderer(wid).Objects() {
			walk(c, visit)
		}
	}
}
