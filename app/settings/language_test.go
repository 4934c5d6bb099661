package settings

import (
	"encoding/json"
	"os"
	"os/exec"
	"strings"
	"testing"
	"testing/fstest"

	"fyne.io/fyne/v2/lang"
)

func TestLanguageEnv(t *testing.T) {
	for _, tc := range []struct {
		choice Language
		want   string
	}{
		{LanguageSystem, ""},
		{LanguageEnglish, "en"},
		{LanguageChinese, "zh_CN"},
		{Language("fr"), ""},
	} {
		if got := languageEnv(tc.choice); got != tc.want {
			t.Errorf("languageEnv(%q) = %q, want %q", tc.choice, got, tc.want)
		}
	}
}

func TestTextsOfMergesOneLanguage(t *testing.T) {
	fsys := fstest.MapFS{
		"tr/a.en.json":      {Data: []byte(`{"Ports":"Ports"}`)},
		"tr/b.en.json":      {Data: []byte(`{"Quit":"Quit"}`)},
		"tr/a.zh_Hans.json": {Data: []byte(`{"Ports":"端口"}`)},
	}
	data, err := textsOf(fsys, "tr", "zh_Hans")
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]string
	if err := json.Unmarshal(data, &m); err != nil || len(m) != 1 || m["Ports"] != "端口" {
		t.Errorf("zh_Hans texts %v (%v)", m, err)
	}
	data, _ = textsOf(fsys, "tr", "en")
	if err := json.Unmarshal(data, &m); err != nil || len(m) != 2 {
		t.Errorf("en texts %v (%v)", m, err)
	}
}

// The language choice must win over the system's language without
// LANGUAGE, as on Windows. Fyne's language is process-wide, so each case
// runs in a child process of this test binary.
func TestForceLanguageOverridesTheSystem(t *testing.T) {
	if choice := os.Getenv("QPYHUB_FORCE_LANGUAGE"); choice != "" {
		LoadTranslations()
		forceLanguage(Language(choice))
		os.Stdout.WriteString("\nshown:" + lang.L("Ports") + "\n")
		return
	}
	for _, tc := range []struct{ system, choice, want string }{
		{"zh_CN.UTF-8", "en", "Ports"},
		{"en_US.UTF-8", "zh_Hans", "端口"},
		{"de_DE.UTF-8", "zh_Hans", "端口"},
	} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestForceLanguageOverridesTheSystem$")
		cmd.Env = append(withoutLocale(os.Environ()), "LANG="+tc.system, "QPYHUB_FORCE_LANGUAGE="+tc.choice)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%s → %s: %v\n%s", tc.system, tc.choice, err, out)
		}
		if !strings.Contains(string(out), "shown:"+tc.want+"\n") {
			t.Errorf("system %s, chosen %s: want %q, child said\n%s", tc.system, tc.choice, tc.want, out)
		}
	}
}

func withoutLocale(env []string) []string {
	var out []string
	for _, kv := range env {
		name, _, _ := strings.Cut(kv, "=")
		switch name {
		case "LANGUAGE", "LANG", "LC_ALL", "LC_MESSAGES":
		default:
			out = append(out, kv)
		}
	}
	return out
}
