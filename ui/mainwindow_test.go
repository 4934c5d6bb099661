package ui

import (
	"testing"

	"fyne.io/fyne/v2/test"
)

func TestMainWindowRemembersTheScreen(t *testing.T) {
	a := test.NewTempApp(t)
	w := test.NewTempWindow(t, nil)
	m := NewMainWindow(w, Services{})
	defer m.Ports.Stop()
	if got := m.Tabs.Selected().Text; got != "Ports" {
		t.Fatalf("first start shows %q, want Ports", got)
	}
	m.SelectScreen("console")
	if got := a.Preferences().String(prefScreen); got != "console" {
		t.Fatalf("remembered %q, want console", got)
	}

	w2 := test.NewTempWindow(t, nil)
	m2 := NewMainWindow(w2, Services{})
	defer m2.Ports.Stop()
	if got := m2.Tabs.Selected().Text; got != "Console" {
		t.Fatalf("second start shows %q, want Console", got)
	}
	if len(m.Tabs.Items) != len(screenIDs) {
		t.Fatalf("%d tabs but %d screen ids", len(m.Tabs.Items), len(screenIDs))
	}
}
