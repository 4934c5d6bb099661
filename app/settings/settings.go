// Package settings holds what the user chooses on the Settings screen and
// the command line obeys too: the model and its preferences keys, the
// preferences file itself, and the language the texts are shown in.
package settings

import (
	"slices"

	"fyne.io/fyne/v2"

	"qpyhub/app/netproxy"
)

// Language is the window's language choice; the stored values never change.
type Language string

const (
	LanguageSystem  Language = "system"
	LanguageEnglish Language = "en"
	LanguageChinese Language = "zh_Hans"
)

// ThemeChoice is light, dark or whatever the OS says.
type ThemeChoice string

const (
	ThemeSystem ThemeChoice = "system"
	ThemeLight  ThemeChoice = "light"
	ThemeDark   ThemeChoice = "dark"
)

// LogLevel is how much the app writes to its log.
type LogLevel string

const (
	LogError   LogLevel = "error"
	LogWarning LogLevel = "warning"
	LogInfo    LogLevel = "info"
	LogDebug   LogLevel = "debug"
)

// DefaultBaudRate is what QuecPython's REPL UART runs at.
const DefaultBaudRate = 115200

// The console keeps this many messages unless the user chooses another
// number, and never more than MaxConsoleCapacity.
const (
	DefaultConsoleCapacity = 5000
	MaxConsoleCapacity     = 200000
)

// BaudRates are the rates offered for the terminal, slowest first.
var BaudRates = []int{9600, 19200, 38400, 57600, 115200, 230400, 460800, 921600}

// Settings are the user's choices on the Settings screen. Only
// ProxyPassword is never written to preferences: it lives for one run.
type Settings struct {
	Language        Language
	Theme           ThemeChoice
	BaudRate        int
	ConsoleCapacity int
	LogLevel        LogLevel
	ProxyMode       netproxy.Mode
	ProxyURL        string // http(s)://host:port, for ProxyManual
	ProxyUser       string
	ProxyPassword   string // memory only
	CAFile          string // PEM file replacing the built-in roots; "" for none
}

// Default are the choices of a first start.
func Default() Settings {
	return Settings{
		Language: LanguageSystem, Theme: ThemeSystem, BaudRate: DefaultBaudRate,
		ConsoleCapacity: DefaultConsoleCapacity, LogLevel: LogInfo, ProxyMode: netproxy.System,
	}
}

// Preference keys; they are stored on disk, so they never change.
const (
	prefLanguage        = "settings.language"
	prefTheme           = "settings.theme"
	prefBaudRate        = "settings.baudRate"
	prefConsoleCapacity = "settings.consoleCapacity"
	prefLogLevel        = "settings.logLevel"
	prefProxyMode       = "settings.proxy.mode"
	prefProxyURL        = "settings.proxy.url"
	prefProxyUser       = "settings.proxy.user"
	prefCAFile          = "settings.caFile"
)

// Load reads the settings; a missing or unknown value (an older or
// hand-edited preferences file) falls back to the default.
func Load(prefs fyne.Preferences) Settings {
	d := Default()
	s := Settings{
		Language:        oneOf(Language(prefs.String(prefLanguage)), d.Language, LanguageEnglish, LanguageChinese),
		Theme:           oneOf(ThemeChoice(prefs.String(prefTheme)), d.Theme, ThemeLight, ThemeDark),
		BaudRate:        prefs.IntWithFallback(prefBaudRate, d.BaudRate),
		ConsoleCapacity: prefs.IntWithFallback(prefConsoleCapacity, d.ConsoleCapacity),
		LogLevel:        oneOf(LogLevel(prefs.String(prefLogLevel)), d.LogLevel, LogError, LogWarning, LogDebug),
		ProxyMode:       oneOf(netproxy.Mode(prefs.String(prefProxyMode)), d.ProxyMode, netproxy.None, netproxy.Manual),
		ProxyURL:        prefs.String(prefProxyURL),
		ProxyUser:       prefs.String(prefProxyUser),
		CAFile:          prefs.String(prefCAFile),
	}
	if !slices.Contains(BaudRates, s.BaudRate) {
		s.BaudRate = d.BaudRate
	}
	if s.ConsoleCapacity < 1 || s.ConsoleCapacity > MaxConsoleCapacity {
		s.ConsoleCapacity = d.ConsoleCapacity
	}
	return s
}

// Save stores s, all but the proxy password. Unchanged values are
// not written again: every write rewrites the preferences file.
func Save(prefs fyne.Preferences, s Settings) {
	for key, v := range map[string]string{
		prefLanguage: string(s.Language), prefTheme: string(s.Theme), prefLogLevel: string(s.LogLevel),
		prefProxyMode: string(s.ProxyMode), prefProxyURL: s.ProxyURL, prefProxyUser: s.ProxyUser, prefCAFile: s.CAFile,
	} {
		if prefs.String(key) != v {
			prefs.SetString(key, v)
		}
	}
	for key, v := range map[string]int{prefBaudRate: s.BaudRate, prefConsoleCapacity: s.ConsoleCapacity} {
		if prefs.Int(key) != v {
			prefs.SetInt(key, v)
		}
	}
}

// oneOf is v when it is the default or one of others, else the default.
func oneOf[T comparable](v, def T, others ...T) T {
	if slices.Contains(others, v) {
		return v
	}
	return def
}

// ProxyConfig is the proxy these settings choose, the in-memory password
// included.
func (s Settings) ProxyConfig() netproxy.Config {
	return netproxy.Config{Mode: s.ProxyMode, URL: s.ProxyURL, User: s.ProxyUser, Password: s.ProxyPassword}
}
