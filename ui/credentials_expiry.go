package ui

import (
	"fmt"
	"time"

	"fyne.io/fyne/v2/lang"
)

// describeExpiry says when a token expires, in local time and relative to now.
func describeExpiry(at, now time.Time) string {
	when := at.Local().Format("2006-01-02 15:04:05 MST")
	if at.After(now) {
		return lang.L("{{.When}} (expires in {{.In}})", map[string]any{"When": when, "In": humanDuration(at.Sub(now))})
	}
	return lang.L("{{.When}} (expired {{.Ago}} ago)", map[string]any{"When": when, "Ago": humanDuration(now.Sub(at))})
}

// humanDuration rounds a duration to the two largest units a person reads.
func humanDuration(d time.Duration) string {
	d = d.Round(time.Second)
	days := int(d / (24 * time.Hour))
	d -= time.Duration(days) * 24 * time.Hour
	h, m, s := int(d/time.Hour), int(d/time.Minute)%60, int(d/time.Second)%60
	switch {
	case days > 0:
		return fmt.Sprintf("%d%s %d%s", days, lang.L("d"), h, lang.L("h"))
	case h > 0:
		return fmt.Sprintf("%d%s %d%s", h, lang.L("h"), m, lang.L("min"))
	case m > 0:
		return fmt.Sprintf("%d%s %d%s", m, lang.L("min"), s, lang.L("s"))
	}
	return fmt.Sprintf("%d%s", s, lang.L("s"))
}
