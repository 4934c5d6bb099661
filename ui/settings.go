package ui

import (
	"errors"
	"net"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
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

// ProxyMode says how connections to the cloud find a proxy.
type ProxyMode string

const (
	// ProxySystem follows HTTPS_PROXY/HTTP_PROXY/NO_PROXY, else (Windows)
	// the proxy of the Internet settings.
	ProxySystem ProxyMode = "system"
	ProxyNone   ProxyMode = "none"
	ProxyManual ProxyMode = "manual"
)

// DefaultBaudRate is what QuecPython's REPL UART runs at.
const DefaultBaudRate = 115200

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
	ProxyMode       ProxyMode
	ProxyURL        string // http(s)://host:port, for ProxyManual
	ProxyUser       string
	ProxyPassword   string // memory only
	CAFile          string // PEM file replacing the built-in roots; "" for none
}

// DefaultSettings are the choices of a first start.
func DefaultSettings() Settings {
	return Settings{
		Language: LanguageSystem, Theme: ThemeSystem, BaudRate: DefaultBaudRate,
		ConsoleCapacity: DefaultLogCapacity, LogLevel: LogInfo, ProxyMode: ProxySystem,
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

// LoadSettings reads the settings; a missing or unknown value (an older or
// hand-edited preferences file) falls back to the default.
func LoadSettings(prefs fyne.Preferences) Settings {
	d := DefaultSettings()
	s := Settings{
		Language:        oneOf(Language(prefs.String(prefLanguage)), d.Language, LanguageEnglish, LanguageChinese),
		Theme:           oneOf(ThemeChoice(prefs.String(prefTheme)), d.Theme, ThemeLight, ThemeDark),
		BaudRate:        prefs.IntWithFallback(prefBaudRate, d.BaudRate),
		ConsoleCapacity: prefs.IntWithFallback(prefConsoleCapacity, d.ConsoleCapacity),
		LogLevel:        oneOf(LogLevel(prefs.String(prefLogLevel)), d.LogLevel, LogError, LogWarning, LogDebug),
		ProxyMode:       oneOf(ProxyMode(prefs.String(prefProxyMode)), d.ProxyMode, ProxyNone, ProxyManual),
		ProxyURL:        prefs.String(prefProxyURL),
		ProxyUser:       prefs.String(prefProxyUser),
		CAFile:          prefs.String(prefCAFile),
	}
	if !slices.Contains(BaudRates, s.BaudRate) {
		s.BaudRate = d.BaudRate
	}
	if s.ConsoleCapacity < 1 || s.ConsoleCapacity > MaxLogCapacity {
		s.ConsoleCapacity = d.ConsoleCapacity
	}
	return s
}

// SaveSettings stores s, all but the proxy password. Unchanged values are
// not written again: every write rewrites the preferences file.
func SaveSettings(prefs fyne.Preferences, s Settings) {
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

// errProxyURL is shown under the proxy field; its text is translated.
var errProxyURL = errors.New("write the proxy as http://host:port or https://host:port")

// ParseProxyURL checks a manual proxy address. The user name and password
// have fields of their own, so an address carrying them is refused rather
// than having a password end up in preferences.
func ParseProxyURL(text string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimSpace(text))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.User != nil ||
		(u.Path != "" && u.Path != "/") || u.RawQuery != "" {
		return nil, errProxyURL
	}
	host, port, err := net.SplitHostPort(u.Host)
	if n, perr := strconv.Atoi(port); err != nil || host == "" || perr != nil || n < 1 || n > 65535 {
		return nil, errProxyURL
	}
	u.Path = ""
	return u, nil
}

// Proxy is the manual proxy with its user and the in-memory password, or
// nil when the mode is not manual or the address is unusable.
func (s Settings) Proxy() *url.URL {
	if s.ProxyMode != ProxyManual {
		return nil
	}
	u, err := ParseProxyURL(s.ProxyURL)
	if err != nil {
		return nil
	}
	switch {
	case s.ProxyUser != "" && s.ProxyPassword != "":
		u.User = url.UserPassword(s.ProxyUser, s.ProxyPassword)
	case s.ProxyUser != "":
		u.User = url.User(s.ProxyUser)
	}
	return u
}
