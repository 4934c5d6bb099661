package ui

import (
	"net/url"
	"runtime"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"qpyhub/assets"
)

// bundledPart is one piece of someone else's work shipped inside qpyhub,
// with the licence that lets us ship it.
type bundledPart struct {
	name, licence, role string // role is an English key for lang.L
}

// bundledParts are listed because their licences ask for it.
var bundledParts = []bundledPart{
	{"Fyne (fyne.io/fyne/v2)", "BSD-3-Clause", "the window and its widgets"},
	{"Eclipse Paho MQTT (paho.mqtt.golang)", "EPL-2.0 / EDL-1.0", "MQTT connections to IoT Hub"},
	{"go.bug.st/serial", "BSD-3-Clause", "serial ports"},
	{"Mochi MQTT (mochi-mqtt/server)", "MIT", "the MQTT broker of the local hub"},
	{"Gorilla WebSocket", "BSD-2-Clause", "WebSockets of the local hub"},
	{"golang.org/x/…", "BSD-3-Clause", "system and text libraries"},
	{"Noto Sans CJK SC", "SIL OFL 1.1", "the Chinese font, cut to GB2312"},
	{"DigiCert Global Root G2\nMicrosoft RSA Root Certificate Authority 2017", "—", "public root certificates that Azure IoT Hub and DPS chain to"},
}

// AboutScreen says which qpyhub this is and on what, lists the licences
// of the bundled parts, and helps a technician report a problem.
type AboutScreen struct {
	Version       *widget.Label
	Platform      *widget.Label
	FontLicence   *widget.Button
	OpenLogFolder *widget.Button
	CopyDiag      *widget.Button
	Note          *widget.Label

	window  fyne.Window
	diag    Diagnostics
	openURL func(*url.URL) error
	content fyne.CanvasObject
}

// NewAboutScreen shows version; diag may be nil, which hides the log
// folder and diagnostics buttons.
func NewAboutScreen(w fyne.Window, version string, diag Diagnostics) *AboutScreen {
	s := &AboutScreen{window: w, diag: diag, openURL: func(u *url.URL) error { return fyne.CurrentApp().OpenURL(u) }}
	if version == "" {
		version = "—"
	}
	title := widget.NewLabelWithStyle("qpyhub", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	tagline := widget.NewLabel(lang.L("Takes QuecPython modules onto Azure IoT Hub, and proves they work."))
	tagline.Wrapping = fyne.TextWrapWord
	s.Version = widget.NewLabel(version)
	s.Platform = widget.NewLabel(runtime.Version() + ", " + runtime.GOOS + "/" + runtime.GOARCH)
	facts := container.New(layout.NewFormLayout(),
		boldLabel(lang.L("Version")), s.Version,
		boldLabel(lang.L("Built with")), s.Platform,
	)

	// Name over licence, so long names never squeeze a column.
	parts := container.NewVBox()
	for _, p := range bundledParts {
		text := widget.NewLabel(p.licence + " — " + lang.L(p.role))
		text.Wrapping = fyne.TextWrapWord
		parts.Add(container.NewVBox(boldLabel(p.name), text))
	}
	s.FontLicence = widget.NewButtonWithIcon(lang.L("Show the font licence"), theme.DocumentIcon(), s.showFontLicence)

	s.OpenLogFolder = widget.NewButtonWithIcon(lang.L("Open log folder"), theme.FolderOpenIcon(), s.openLogFolder)
	s.CopyDiag = widget.NewButtonWithIcon(lang.L("Copy diagnostics"), theme.ContentCopyIcon(), s.copyDiagnostics)
	s.Note = widget.NewLabel("")
	s.Note.Wrapping = fyne.TextWrapWord
	if diag == nil {
		s.OpenLogFolder.Hide()
		s.CopyDiag.Hide()
	}

	s.content = container.NewVScroll(container.NewPadded(container.NewVBox(
		title, tagline, facts,
		container.NewHBox(s.OpenLogFolder, s.CopyDiag), s.Note,
		widget.NewSeparator(),
		boldLabel(lang.L("Bundled parts and their licences")), parts,
		container.NewHBox(s.FontLicence),
	)))
	return s
}

// Content is the screen's widget tree.
func (s *AboutScreen) Content() fyne.CanvasObject { return s.content }

func boldLabel(text string) *widget.Label {
	return widget.NewLabelWithStyle(text, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
}

// showFontLicence shows the OFL, which must accompany the font.
func (s *AboutScreen) showFontLicence() {
	if s.window == nil {
		return
	}
	text := widget.NewLabel(assets.FontLicence)
	text.TextStyle = fyne.TextStyle{Monospace: true}
	scroll := container.NewScroll(text)
	scroll.SetMinSize(fyne.NewSize(640, 420))
	dialog.NewCustom("SIL Open Font License 1.1", lang.L("Close"), scroll, s.window).Show()
}

func (s *AboutScreen) openLogFolder() {
	dir := s.diag.LogFolder()
	if dir == "" {
		s.Note.SetText(lang.L("There is no log folder yet."))
		return
	}
	u, err := url.Parse(storage.NewFileURI(dir).String())
	if err == nil {
		err = s.openURL(u)
	}
	if err != nil {
		s.Note.SetText(lang.L("Could not open the log folder: {{.Folder}}", map[string]any{"Folder": dir}))
		return
	}
	s.Note.SetText(dir)
}

func (s *AboutScreen) copyDiagnostics() {
	fyne.CurrentApp().Clipboard().SetContent(s.diag.Text())
	s.Note.SetText(lang.L("Diagnostics copied: paste them into your report."))
}
