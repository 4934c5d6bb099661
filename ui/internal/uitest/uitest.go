// Package uitest holds what the tests of every screen share: a stand-in
// for the window's post function that the test drains on its own
// goroutine, the text a user can read on a screen, and an in-memory key
// store. Only tests import it.
package uitest

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
)

// Queue stands in for the window's post function: screens post their updates here and the
// test applies them on its own goroutine, so no widget is touched by two
// goroutines at once.
type Queue struct{ updates chan func() }

// NewQueue makes an empty queue.
func NewQueue() *Queue { return &Queue{updates: make(chan func(), 1024)} }

// Post is the post function to hand to a screen.
func (q *Queue) Post(f func()) { q.updates <- f }

// Pending is how many posted updates wait to be applied.
func (q *Queue) Pending() int { return len(q.updates) }

// RunUntil applies posted updates until cond holds. It fails instead of
// hanging when the test's own deadline comes near.
func (q *Queue) RunUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	guard := nearDeadline(t)
	for !cond() {
		select {
		case f := <-q.updates:
			f()
		case <-guard:
			t.Fatalf("never saw %s", what)
		}
	}
}

// Next applies the next posted update, waiting for it; it fails instead
// of hanging when the test's own deadline comes near.
func (q *Queue) Next(t *testing.T) {
	t.Helper()
	select {
	case f := <-q.updates:
		f()
	case <-nearDeadline(t):
		t.Fatal("nothing was posted")
	}
}

// nearDeadline fires a little before the test's deadline, never without one.
func nearDeadline(t *testing.T) <-chan time.Time {
	if d, ok := t.Deadline(); ok {
		return time.After(time.Until(d) - 5*time.Second)
	}
	return nil
}

// ShownText joins the text of every visible canvas.Text under o: what a
// user can read.
func ShownText(o fyne.CanvasObject) string {
	var b strings.Builder
	Walk(o, func(o fyne.CanvasObject) bool {
		if !o.Visible() {
			return false
		}
		if t, ok := o.(*canvas.Text); ok {
			b.WriteString(t.Text)
			b.WriteByte('\n')
		}
		return true
	})
	return b.String()
}

// Walk calls visit for o and, while visit answers true, for everything
// drawn inside it: a container's objects, a widget's rendered parts.
func Walk(o fyne.CanvasObject, visit func(fyne.CanvasObject) bool) {
	if o == nil || !visit(o) {
		return
	}
	switch x := o.(type) {
	case *fyne.Container:
		for _, c := range x.Objects {
			Walk(c, visit)
		}
	case fyne.Widget:
		for _, c := range test.WidgetRenderer(x).Objects() {
			Walk(c, visit)
		}
	}
}

// ShowBig puts content in a big test window so that every part is laid
// out and rendered.
func ShowBig(t *testing.T, content fyne.CanvasObject) fyne.Window {
	t.Helper()
	w := test.NewTempWindow(t, content)
	w.Resize(fyne.NewSize(1400, 900).Max(content.MinSize()))
	return w
}

// Status is a status line that keeps what the screen said.
type Status struct{ Messages []string }

// SetMessage implements widgets.StatusLine.
func (s *Status) SetMessage(text string) { s.Messages = append(s.Messages, text) }
