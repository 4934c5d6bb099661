package app

import (
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"testing"
	"testing/fstest"

	"fyne.io/fyne/v2/lang"

	"qpyhub/ui"
)

func TestLanguageEnv(t *testing.T) {
	for _, tc := range []struct {
		choice ui.Language
		want   string
	}{
		{ui.LanguageSystem, ""},
		{ui.LanguageEnglish, "en"},
		{ui.LanguageChinese, "zh_CN"},
		{ui.Language("fr"), ""},
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
		loadTranslations()
		forceLanguage(ui.Language(choice))
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

func TestProxyChoice(t *testing.T) {
	envProxy, _ := url.Parse("http://from-env:1")
	req := func(raw string) *http.Request {
		r, _ := http.NewRequest(http.MethodGet, raw, nil)
		return r
	}
	s := ui.DefaultSettings()
	p := newProxyChoice(s)
	p.system = func(*http.Request) (*url.URL, error) { return envProxy, nil }
	hub := req("https://myhub.azure-devices.net/devices/x")

	if u, _ := p.proxy(hub); u != envProxy {
		t.Errorf("system mode: %v", u)
	}
	s.ProxyMode = ui.ProxyNone
	p.set(s)
	if u, _ := p.proxy(hub); u != nil {
		t.Errorf("no proxy mode: %v", u)
	}
	s.ProxyMode, s.ProxyURL, s.ProxyUser = ui.ProxyManual, "http://proxy.corp:3128", "tech"
	p.set(s)
	if u, _ := p.proxy(hub); u == nil || u.String() != "http://tech@proxy.corp:3128" {
		t.Errorf("manual before the password: %v", u)
	}
	s.ProxyPassword = "pw" // typed during the run
	p.set(s)
	if u, _ := p.proxy(hub); u == nil || u.String() != "http://tech:pw@proxy.corp:3128" {
		t.Errorf("manual with the password: %v", u)
	}
	for _, local := range []string{"https://localhost:8883/x", "https://127.0.0.1:443/x", "https://[::1]:443/x"} {
		if u, _ := p.proxy(req(local)); u != nil {
			t.Errorf("%s goes through %v", local, u)
		}
	}
}

func TestProxyChoiceDecidesTheConsoleTransport(t *testing.T) {
	s := ui.DefaultSettings()
	p := newProxyChoice(s)
	p.system = func(*http.Request) (*url.URL, error) { return nil, nil } // no proxy in the environment
	tests := []struct {
		mode ui.ProxyMode
		host string
		want bool
	}{
		{ui.ProxySystem, "myhub.azure-devices.net", false},
		{ui.ProxyNone, "myhub.azure-devices.net", false},
		{ui.ProxyManual, "myhub.azure-devices.net", true},
		{ui.ProxyManual, "localhost", false},
		{ui.ProxyManual, "", false},
	}
	for _, tc := range tests {
		s.ProxyMode, s.ProxyURL = tc.mode, "http://proxy.corp:3128"
		p.set(s)
		if got := p.usedFor(tc.host); got != tc.want {
			t.Errorf("mode %q host %q: usedFor = %v, want %v", tc.mode, tc.host, got, tc.want)
		}
	}
	var none *proxyChoice
	if none.usedFor("myhub.azure-devices.net") {
		t.Error("no proxy choice must mean no proxy")
	}
}
