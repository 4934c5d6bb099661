package ui

import (
	"qpyhub/ui/widgets"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// recentMax is how many values a recent list keeps: enough for the hubs
// and devices of one job, short enough to read at a glance.
const recentMax = 8

// Preference keys of the recent lists.
const (
	prefRecentHosts   = "recent.hosts"
	prefRecentDevices = "recent.devices"
)

// recentList is a short most-recent-first list of values kept in
// preferences, such as hub host names. It must never hold a secret.
type recentList struct {
	prefs fyne.Preferences
	key   string
	max   int
}

// newRecentList keeps up to max values under key.
func newRecentList(prefs fyne.Preferences, key string, max int) *recentList {
	return &recentList{prefs: prefs, key: key, max: max}
}

// Items are the values, the most recent first.
func (r *recentList) Items() []string { return r.prefs.StringList(r.key) }

// Add puts v first, drops an older copy of it and the oldest values beyond
// the limit; blank values are ignored.
func (r *recentList) Add(v string) {
	v = strings.TrimSpace(v)
	if v == "" {
		return
	}
	items := slices.DeleteFunc(r.Items(), func(s string) bool { return s == v })
	items = append([]string{v}, items...)
	if len(items) > r.max {
		items = items[:r.max]
	}
	if !slices.Equal(items, r.Items()) {
		r.prefs.SetStringList(r.key, items)
	}
}

// offerRecent turns f's entry into a SelectEntry whose drop-down offers
// the recent values. The embedded Entry stays f.Entry, so the screen that
// owns f keeps reading and writing it as before.
func offerRecent(f *widgets.InputField, list *recentList) *widget.SelectEntry {
	old := f.Entry
	se := widget.NewSelectEntry(nil)
	showRecent(se, list.Items())
	se.PlaceHolder = old.PlaceHolder
	se.OnChanged = old.OnChanged
	se.Validator = old.Validator
	se.SetText(old.Text)
	f.ReplaceEntry(se, &se.Entry)
	return se
}

// showRecent offers items; the drop-down button shows only when there is
// something to offer.
func showRecent(se *widget.SelectEntry, items []string) {
	se.SetOptions(items)
	if len(items) == 0 {
		se.ActionItem.Hide()
	} else {
		se.ActionItem.Show()
	}
	se.Refresh()
}
