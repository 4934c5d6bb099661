package ui

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
)

// moduleUIQueue stands in for fyne.Do: screens post their updates here and the
// test applies them on its own goroutine, so no widget is touched by two
// goroutines at once.
type moduleUIQueue struct{ updates chan func() }

func newModuleUIQueue() *moduleUIQueue { return &moduleUIQueue{updates: make(chan func(), 1024)} }

func (q *moduleUIQueue) post(f func()) { q.updates <- f }

// runUntil applies posted updates until cond holds. It fails instead of
// hanging when the test's own deadline comes near.
func (q *moduleUIQueue) runUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	var guard <-chan time.Time
	if d, ok := t.Deadline(); ok {
		guard = time.After(time.Until(d) - 5*time.Second)
	}
	for !cond() {
		select {
		case f := <-q.updates:
			f()
		case <-guard:
			t.Fatalf("never saw %s", what)
		}
	}
}

// moduleShownText joins the text of every visible canvas.Text under o: what a
// user can read.
func moduleShownText(o fyne.CanvasObject) string {
	var b strings.Builder
	var visit func(fyne.CanvasObject)
	visit = func(o fyne.CanvasObject) {
		if o == nil || !o.Visible() {
			return
		}
		switch x := o.(type) {
		case *canvas.Text:
			b.WriteString(x.Text)
			b.WriteByte('\n')
		case *fyne.Container:
			for _, c := range x.Objects {
				visit(c)
			}
		case fyne.Widget:
			for _, c := range test.WidgetRenderer(x).Objects() {
				visit(c)
			}
		}
	}
	visit(o)
	return b.String()
}

// showModuleScreen puts content in a big test window so that every part is
// laid out and rendered.
func showModuleScreen(t *testing.T, content fyne.CanvasObject) fyne.Window {
	t.Helper()
	w := test.NewTempWindow(t, content)
	w.Resize(fyne.NewSize(1400, 900).Max(content.MinSize()))
	return w
}
