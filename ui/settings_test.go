package ui

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"qpyhub/app/netproxy"
	"qpyhub/app/settings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
)

// spyPrefs records every value written, to prove a secret never is.
type spyPrefs struct {
	fyne.Preferences
	written []string
}

func (p *spyPrefs) SetString(key, value string) {
	p.written = append(p.written, key+"="+value)
	p.Preferences.SetString(key, value)
}

func (p *spyPrefs) SetStringList(key string, value []string) {
	p.written = append(p.written, key+"="+strings.Join(value, ","))
	p.Preferences.SetStringList(key, value)
}

func retype(e interface {
	SetText(string)
	fyne.Focusable
}, text string) {
	e.SetText("")
	test.Type(e, text)
}

func TestSettingsRoundTripThroughPreferences(t *testing.T) {
	a := test.NewTempApp(t)
	w := test.NewTempWindow(t, nil)
	s := NewSettingsScreen(w, a.Preferences())
	w.SetContent(s.Content())
	if s.Language.Selected != "Follow the system" || s.Theme.Selected != "Follow the system" ||
		s.BaudRate.Selected != "115200" || s.Capacity.Text != "5000" || s.LogLevel.Selected != "Information" ||
		s.ProxyMode.Selected != "System (environment variables, else Windows proxy settings)" {
		t.Fatalf("first start shows %q %q %q %q %q %q", s.Language.Selected, s.Theme.Selected,
			s.BaudRate.Selected, s.Capacity.Text, s.LogLevel.Selected, s.ProxyMode.Selected)
	}
	if !s.ProxyURL.Disabled() {
		t.Error("the proxy address is editable while the proxy follows the system")
	}

	s.Language.SetSelected("简体中文")
	s.Theme.SetSelected("Dark")
	s.BaudRate.SetSelected("921600")
	retype(s.Capacity, "800")
	s.LogLevel.SetSelected("Debugging detail")
	s.ProxyMode.SetSelected("Manual")
	test.Type(s.ProxyURL, "http://proxy.corp.example:3128")
	test.Type(s.ProxyUser, "tech")
	test.Type(s.ProxyPassword, "hunter2")
	test.Type(s.CAFile, "/home/tech/corp-ca.pem")

	want := settings.Settings{Language: settings.LanguageChinese, Theme: settings.ThemeDark, BaudRate: 921600, ConsoleCapacity: 800,
		LogLevel: settings.LogDebug, ProxyMode: netproxy.Manual, ProxyURL: "http://proxy.corp.example:3128",
		ProxyUser: "tech", CAFile: "/home/tech/corp-ca.pem"}
	if got := settings.Load(a.Preferences()); got != want {
		t.Errorf("stored\n%+v\nwant\n%+v", got, want)
	}
	if got := proxyFor(t, s.Current()); got != "http://tech:hunter2@proxy.corp.example:3128" {
		t.Errorf("proxy in memory = %q", got)
	}

	again := NewSettingsScreen(w, a.Preferences())
	if again.Language.Selected != "简体中文" || again.Theme.Selected != "Dark" || again.Capacity.Text != "800" ||
		again.ProxyURL.Text != "http://proxy.corp.example:3128" || again.ProxyURL.Disabled() {
		t.Errorf("next start shows %q %q %q %q (disabled %v)", again.Language.Selected, again.Theme.Selected,
			again.Capacity.Text, again.ProxyURL.Text, again.ProxyURL.Disabled())
	}
	if again.ProxyPassword.Text != "" {
		t.Error("the proxy password came back from preferences")
	}
}

func TestSettingsNeverWriteTheProxyPassword(t *testing.T) {
	a := test.NewTempApp(t)
	spy := &spyPrefs{Preferences: a.Preferences()}
	w := test.NewTempWindow(t, nil)
	s := NewSettingsScreen(w, spy)
	s.ProxyMode.SetSelected("Manual")
	test.Type(s.ProxyURL, "https://10.0.0.1:8443")
	test.Type(s.ProxyUser, "field")
	test.Type(s.ProxyPassword, "s3cret-pw")
	if len(spy.written) == 0 {
		t.Fatal("nothing was saved: the spy sees nothing")
	}
	for _, v := range spy.written {
		if strings.Contains(v, "s3cret") {
			t.Errorf("the password reached preferences: %s", v)
		}
	}
	if s.Current().ProxyPassword != "s3cret-pw" {
		t.Error("the password is not kept in memory either")
	}
}

func TestSettingsKeepTheLastValidValue(t *testing.T) {
	a := test.NewTempApp(t)
	w := test.NewTempWindow(t, nil)
	s := NewSettingsScreen(w, a.Preferences())
	retype(s.Capacity, "1200")
	test.Type(s.Capacity, "x") // "1200x"
	s.ProxyMode.SetSelected("Manual")
	test.Type(s.ProxyURL, "ftp://proxy:21")
	got := settings.Load(a.Preferences())
	if got.ConsoleCapacity != 1200 || got.ProxyURL != "" {
		t.Errorf("stored capacity %d, proxy %q; want 1200 and nothing", got.ConsoleCapacity, got.ProxyURL)
	}
	if s.Capacity.Validate() == nil || s.ProxyURL.Validate() == nil {
		t.Error("the invalid entries are not marked")
	}
}

// proxyFor is the proxy the settings choose for a hub connection.
func proxyFor(t *testing.T, s settings.Settings) string {
	t.Helper()
	fn, err := netproxy.Func(s.ProxyConfig())
	if err != nil || fn == nil {
		t.Fatalf("no proxy function: %v", err)
	}
	u, err := fn(&http.Request{URL: &url.URL{Scheme: "https", Host: "myhub.azure-devices.net:443"}})
	if err != nil || u == nil {
		t.Fatalf("no proxy: %v", err)
	}
	return u.String()
}

func TestThemeChoiceForcesTheVariant(t *testing.T) {
	def := theme.DefaultTheme()
	bg := theme.ColorNameBackground
	light, dark := def.Color(bg, theme.VariantLight), def.Color(bg, theme.VariantDark)
	if light == dark {
		t.Fatal("the default theme has one background for both variants: the test proves nothing")
	}
	for _, tc := range []struct {
		choice settings.ThemeChoice
		asked  fyne.ThemeVariant
		want   any
	}{
		{settings.ThemeLight, theme.VariantDark, light},
		{settings.ThemeDark, theme.VariantLight, dark},
		{settings.ThemeSystem, theme.VariantDark, dark},
		{settings.ThemeSystem, theme.VariantLight, light},
	} {
		if got := ThemeFor(tc.choice).Color(bg, tc.asked); got != tc.want {
			t.Errorf("%s theme asked for variant %d gives %v, want %v", tc.choice, tc.asked, got, tc.want)
		}
	}
	if ThemeFor(settings.ThemeDark).Font(fyne.TextStyle{}) != chineseFont {
		t.Error("the forced theme lost the Chinese font")
	}
}

func TestThemeIsAppliedAtOnce(t *testing.T) {
	a := test.NewTempApp(t)
	w := test.NewTempWindow(t, nil)
	s := NewSettingsScreen(w, a.Preferences())
	bg := theme.ColorNameBackground
	s.Theme.SetSelected("Dark")
	if got, want := a.Settings().Theme().Color(bg, theme.VariantLight), theme.DefaultTheme().Color(bg, theme.VariantDark); got != want {
		t.Errorf("after choosing Dark the background is %v, want %v", got, want)
	}
	s.Theme.SetSelected("Light")
	if got, want := a.Settings().Theme().Color(bg, theme.VariantDark), theme.DefaultTheme().Color(bg, theme.VariantLight); got != want {
		t.Errorf("after choosing Light the background is %v, want %v", got, want)
	}
}
