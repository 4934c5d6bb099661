package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

// The snippet box offers the library form next to plain umqtt: a main.py
// on qpyhub's library that names the device and holds no secret, copied
// as shown; switching back gives the umqtt code again.
func TestCredentialsSnippetLibraryForm(t *testing.T) {
	s := newTestCredentials(t)
	test.Type(s.Host.Entry, "MyExampleHub.azure-devices.net")
	test.Type(s.Device.Entry, "my-symkey-device")
	test.Type(s.Key.Entry, "18RQk/hOPJR9EbsJlk2j8WA6vWaj/yi+oaYg7zmxfQNdOyMSu+SJ8O7TSlZhDJCYmn4rzEiVKIzNiVAWjLxrGA==")
	if !strings.Contains(s.Snippet.Text, "MQTTClient(") {
		t.Fatalf("the default form is not umqtt:\n%s", s.Snippet.Text)
	}
	test.Tap(s.OutPassword.Reveal) // the library form has no password to reveal
	s.SnippetForm.SetSelected(s.SnippetForm.Options[snippetLibrary])
	code := s.Snippet.Text
	for _, want := range []string{"from usr import qpyhub", "qpyhub.Hub()", "hub.connect()", "hub.send(", "my-symkey-device", "MyExampleHub.azure-devices.net", "setup --keep-main"} {
		if !strings.Contains(code, want) {
			t.Errorf("the library form lacks %q:\n%s", want, code)
		}
	}
	sig := s.Credentials().Password[strings.Index(s.Credentials().Password, "sig="):]
	if strings.Contains(code, "MQTTClient") || strings.Contains(code, sig[:12]) || strings.Contains(code, "18RQk") {
		t.Fatalf("the library form holds umqtt code or a secret:\n%s", code)
	}
	test.Tap(s.SnippetCopy)
	if got := fyne.CurrentApp().Clipboard().Content(); got != code {
		t.Fatalf("copied %q, want the library form", got)
	}
	s.SnippetForm.SetSelected(s.SnippetForm.Options[snippetUmqtt])
	if !strings.Contains(s.Snippet.Text, "MQTTClient(") || !strings.Contains(s.Snippet.Text, sig[:12]) {
		t.Fatalf("back to umqtt (revealed):\n%s", s.Snippet.Text)
	}
}
