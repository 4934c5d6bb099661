package settings

import (
	"os"
	"os/exec"
	"strings"
	"testing"

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
