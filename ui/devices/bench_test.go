package devices

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"qpyhub/cloud/registry"
)

// BenchmarkScroll10k is scrolling through 10 000 loaded devices: each op
// jumps the list to a new place, which lays out and fills the rows in
// view ("scroll"), and in "scroll and draw" also draws the whole window
// in software, as a screenshot is, an upper bound for a frame. Only the
// rows in view are widgets, so both cost the same at any length.
func BenchmarkScroll10k(b *testing.B) {
	for _, draw := range []bool{false, true} {
		name := "scroll"
		if draw {
			name = "scroll and draw"
		}
		b.Run(name, func(b *testing.B) {
			test.NewTempApp(b)
			s := NewScreen(nil, fakeSource{newFakeFleet(0)}, func(f func()) { f() })
			for i := range 10000 {
				var tw registry.Twin
				tw.DeviceID, tw.Status, tw.ConnectionState = "dev-"+itoa5(i), "enabled", "Connected"
				s.rows.items = append(s.rows.items, registry.Summary(tw))
			}
			w := test.NewTempWindow(b, s.Content())
			w.Resize(fyne.NewSize(1280, 800))
			s.List.Refresh()
			i := 0
			for b.Loop() {
				i = (i + 997) % 10000
				s.List.ScrollTo(i)
				if draw {
					w.Canvas().Capture()
				}
			}
			if rows := len(visibleChecks(s)); rows == 0 || rows > 100 {
				b.Fatalf("%d row widgets for 10 000 rows", rows)
			}
		})
	}
}

func itoa5(i int) string {
	b := []byte("00000")
	for p := 4; p >= 0 && i > 0; p-- {
		b[p] = byte('0' + i%10)
		i /= 10
	}
	return string(b)
}
