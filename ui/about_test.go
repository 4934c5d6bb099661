package ui

import (
	"net/url"
	"qpyhub/ui/internal/uitest"
	"runtime"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
)

type fakeDiagnostics struct{ folder, text string }

func (d fakeDiagnostics) LogFolder() string { return d.folder }
func (d fakeDiagnostics) Text() string      { return d.text }

func TestAboutShowsVersionsAndLicences(t *testing.T) {
	test.NewTempApp(t)
	w := test.NewTempWindow(t, nil)
	s := NewAboutScreen(w, "1.4.2", nil)
	w.SetContent(s.Content())
	shown := uitest.ShownText(s.Content())
	for _, want := range []string{
		"qpyhub", "1.4.2", runtime.Version(), runtime.GOOS + "/" + runtime.GOARCH,
		"Fyne", "paho.mqtt.golang", "EPL-2.0 / EDL-1.0", "go.bug.st/serial", "Mochi MQTT", "MIT",
		"Gorilla WebSocket", "BSD-2-Clause", "BSD-3-Clause", "golang.org/x/", "Noto Sans CJK SC", "SIL OFL 1.1",
		"DigiCert Global Root G2", "Microsoft RSA Root Certificate Authority 2017",
	} {
		if !strings.Contains(shown, want) {
			t.Errorf("About does not show %q", want)
		}
	}
	if s.OpenLogFolder.Visible() || s.CopyDiag.Visible() {
		t.Error("diagnostics buttons shown without diagnostics")
	}

	test.Tap(s.FontLicence)
	if top := w.Canvas().Overlays().Top(); top == nil || !strings.Contains(uitest.ShownText(top), "SIL OPEN FONT LICENSE") {
		t.Error("the font licence is not shown")
	}
}

func TestAboutDiagnosticsButtons(t *testing.T) {
	a := test.NewTempApp(t)
	w := test.NewTempWindow(t, nil)
	s := NewAboutScreen(w, "1.0.0", fakeDiagnostics{folder: "/home/tech/.config/qpyhub/logs", text: "qpyhub 1.0.0\nports: none"})
	w.SetContent(s.Content())
	var opened *url.URL
	s.openURL = func(u *url.URL) error { opened = u; return nil }
	if !s.OpenLogFolder.Visible() || !s.CopyDiag.Visible() {
		t.Fatal("diagnostics buttons hidden")
	}
	test.Tap(s.OpenLogFolder)
	if opened == nil || opened.Scheme != "file" || opened.Path != "/home/tech/.config/qpyhub/logs" {
		t.Errorf("opened %v", opened)
	}
	test.Tap(s.CopyDiag)
	if got := a.Clipboard().Content(); got != "qpyhub 1.0.0\nports: none" {
		t.Errorf("clipboard holds %q", got)
	}
	if !strings.Contains(s.Note.Text, "copied") {
		t.Errorf("no confirmation, note %q", s.Note.Text)
	}
}
