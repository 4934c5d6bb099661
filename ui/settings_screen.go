package ui

import (
	"errors"
	"strconv"
	"strings"

	"qpyhub/app/netproxy"
	"qpyhub/app/settings"
	"qpyhub/ui/widgets"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// SettingsScreen edits the Settings. Every change is saved at once; the
// theme is applied at once, the language at the next start.
type SettingsScreen struct {
	Language      *widget.Select
	Theme         *widget.Select
	BaudRate      *widget.Select
	Capacity      *widget.Entry
	LogLevel      *widget.Select
	ProxyMode     *widget.Select
	ProxyURL      *widget.Entry
	ProxyUser     *widget.Entry
	ProxyPassword *widget.Entry
	CAFile        *widget.Entry
	CABrowse      *widget.Button

	prefs     fyne.Preferences
	window    fyne.Window
	current   settings.Settings
	listeners []func(settings.Settings)
	loading   bool
	content   fyne.CanvasObject
}

// Option lists, in the order shown; the labels are built per language.
var (
	languageValues = []settings.Language{settings.LanguageSystem, settings.LanguageEnglish, settings.LanguageChinese}
	themeValues    = []settings.ThemeChoice{settings.ThemeSystem, settings.ThemeLight, settings.ThemeDark}
	logLevelValues = []settings.LogLevel{settings.LogError, settings.LogWarning, settings.LogInfo, settings.LogDebug}
	proxyValues    = []netproxy.Mode{netproxy.System, netproxy.None, netproxy.Manual}
)

// NewSettingsScreen shows the settings stored in prefs.
func NewSettingsScreen(w fyne.Window, prefs fyne.Preferences) *SettingsScreen {
	s := &SettingsScreen{prefs: prefs, window: w, current: settings.Load(prefs)}
	// Language names are written in their own language, so anyone can
	// find theirs.
	s.Language = widget.NewSelect([]string{lang.L("Follow the system"), "English", "简体中文"}, func(string) { s.changed() })
	s.Theme = widget.NewSelect([]string{lang.L("Follow the system"), lang.L("Light"), lang.L("Dark")}, func(string) { s.changed() })
	rates := make([]string, len(settings.BaudRates))
	for i, r := range settings.BaudRates {
		rates[i] = strconv.Itoa(r)
	}
	s.BaudRate = widget.NewSelect(rates, func(string) { s.changed() })
	s.Capacity = widget.NewEntry()
	s.Capacity.Validator = widgets.ValidateConsoleCapacity
	s.Capacity.OnChanged = func(string) { s.changed() }
	s.LogLevel = widget.NewSelect([]string{lang.L("Errors only"), lang.L("Warnings and errors"), lang.L("Information"), lang.L("Debugging detail")}, func(string) { s.changed() })

	s.ProxyMode = widget.NewSelect([]string{lang.L("System (environment variables, else Windows proxy settings)"), lang.L("No proxy"), lang.L("Manual")}, func(string) { s.changed() })
	s.ProxyURL = widget.NewEntry()
	s.ProxyURL.SetPlaceHolder("http://proxy.example.com:8080")
	s.ProxyURL.Validator = validateProxyURL
	s.ProxyURL.OnChanged = func(string) { s.changed() }
	s.ProxyUser = widget.NewEntry()
	s.ProxyUser.OnChanged = func(string) { s.changed() }
	s.ProxyPassword = widget.NewPasswordEntry()
	s.ProxyPassword.OnChanged = func(string) { s.changed() }
	s.CAFile = widget.NewEntry()
	s.CAFile.SetPlaceHolder(lang.L("PEM file; empty uses the built-in Azure roots"))
	s.CAFile.OnChanged = func(string) { s.changed() }
	s.CABrowse = widget.NewButtonWithIcon("", theme.FolderOpenIcon(), s.browseCA)
	s.show(s.current)

	caWarning := widget.NewLabel(lang.L("A custom CA is only for networks that inspect TLS (a company proxy). Anyone holding that CA's key can read the traffic."))
	caWarning.Wrapping = fyne.TextWrapWord
	caWarning.Importance = widget.WarningImportance
	form := widget.NewForm(
		&widget.FormItem{Text: lang.L("Language"), Widget: s.Language, HintText: lang.L("Takes effect the next time qpyhub starts.")},
		&widget.FormItem{Text: lang.L("Theme"), Widget: s.Theme},
		&widget.FormItem{Text: lang.L("Terminal baud rate"), Widget: s.BaudRate, HintText: lang.L("For a USB-to-UART adapter; over the module's own USB port (CDC) the rate does not matter.")},
		&widget.FormItem{Text: lang.L("Console keeps"), Widget: s.Capacity, HintText: lang.L("messages; the oldest go first")},
		&widget.FormItem{Text: lang.L("Log level"), Widget: s.LogLevel},
		&widget.FormItem{Text: lang.L("Proxy"), Widget: s.ProxyMode},
		&widget.FormItem{Text: lang.L("Proxy address"), Widget: s.ProxyURL},
		&widget.FormItem{Text: lang.L("Proxy user (optional)"), Widget: s.ProxyUser},
		&widget.FormItem{Text: lang.L("Proxy password"), Widget: s.ProxyPassword, HintText: lang.L("Not saved: kept in memory until qpyhub closes, asked again next time.")},
		&widget.FormItem{Text: lang.L("CA file (optional)"), Widget: container.NewBorder(nil, nil, nil, s.CABrowse, s.CAFile)},
	)
	note := widget.NewLabel(lang.L("Changes are saved at once."))
	s.content = container.NewVScroll(container.NewPadded(container.NewVBox(note, form, caWarning)))
	return s
}

// Content is the screen's widget tree.
func (s *SettingsScreen) Content() fyne.CanvasObject { return s.content }

// Current is the settings as they are now, the proxy password included.
func (s *SettingsScreen) Current() settings.Settings { return s.current }

// OnChanged registers f to run after every saved change.
func (s *SettingsScreen) OnChanged(f func(settings.Settings)) { s.listeners = append(s.listeners, f) }

// show puts v into the widgets without saving anything back.
func (s *SettingsScreen) show(v settings.Settings) {
	s.loading = true
	defer func() { s.loading = false }()
	s.Language.SetSelectedIndex(indexOf(languageValues, v.Language))
	s.Theme.SetSelectedIndex(indexOf(themeValues, v.Theme))
	s.BaudRate.SetSelected(strconv.Itoa(v.BaudRate))
	s.Capacity.SetText(strconv.Itoa(v.ConsoleCapacity))
	s.LogLevel.SetSelectedIndex(indexOf(logLevelValues, v.LogLevel))
	s.ProxyMode.SetSelectedIndex(indexOf(proxyValues, v.ProxyMode))
	s.ProxyURL.SetText(v.ProxyURL)
	s.ProxyUser.SetText(v.ProxyUser)
	s.ProxyPassword.SetText(v.ProxyPassword)
	s.CAFile.SetText(v.CAFile)
	s.enableProxyFields(v.ProxyMode)
}

// changed reads the widgets, keeps the last valid value of a field being
// typed into, saves, applies the theme and tells the listeners.
func (s *SettingsScreen) changed() {
	if s.loading {
		return
	}
	v := s.current
	v.Language = languageValues[max(s.Language.SelectedIndex(), 0)]
	v.Theme = themeValues[max(s.Theme.SelectedIndex(), 0)]
	if n, err := strconv.Atoi(s.BaudRate.Selected); err == nil {
		v.BaudRate = n
	}
	if n, err := widgets.ParseConsoleCapacity(s.Capacity.Text); err == nil {
		v.ConsoleCapacity = n
	}
	v.LogLevel = logLevelValues[max(s.LogLevel.SelectedIndex(), 0)]
	v.ProxyMode = proxyValues[max(s.ProxyMode.SelectedIndex(), 0)]
	if strings.TrimSpace(s.ProxyURL.Text) == "" || validateProxyURL(s.ProxyURL.Text) == nil {
		v.ProxyURL = strings.TrimSpace(s.ProxyURL.Text)
	}
	v.ProxyUser = strings.TrimSpace(s.ProxyUser.Text)
	v.ProxyPassword = s.ProxyPassword.Text
	v.CAFile = strings.TrimSpace(s.CAFile.Text)
	s.enableProxyFields(v.ProxyMode)

	themeChanged := v.Theme != s.current.Theme
	s.current = v
	settings.Save(s.prefs, v)
	if themeChanged {
		fyne.CurrentApp().Settings().SetTheme(ThemeFor(v.Theme))
	}
	for _, f := range s.listeners {
		f(v)
	}
}

func (s *SettingsScreen) enableProxyFields(mode netproxy.Mode) {
	for _, e := range []*widget.Entry{s.ProxyURL, s.ProxyUser, s.ProxyPassword} {
		if mode == netproxy.Manual {
			e.Enable()
		} else {
			e.Disable()
		}
	}
}

func (s *SettingsScreen) browseCA() {
	if s.window == nil {
		return
	}
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return
		}
		_ = r.Close()
		s.CAFile.SetText(r.URI().Path())
	}, s.window)
	d.Show()
}

// validateProxyURL accepts an empty address (not chosen yet) or a valid one.
func validateProxyURL(text string) error {
	if strings.TrimSpace(text) == "" {
		return nil
	}
	if _, err := netproxy.ParseStoredURL(text); err != nil {
		return errors.New(widgets.ErrorText(err))
	}
	return nil
}

// indexOf is the position of v in values, 0 (the default) when absent.
func indexOf[T comparable](values []T, v T) int {
	for i, x := range values {
		if x == v {
			return i
		}
	}
	return 0
}
