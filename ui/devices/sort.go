package devices

import (
	"sort"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"qpyhub/cloud/registry"
)

// sortOrder is how the rows are sorted: by a column, or -1 for the hub's
// order (device id, as pages arrive).
type sortOrder struct {
	column     int
	descending bool
}

// columnValue is the text of a row in a column, as the list shows it.
func columnValue(d registry.DeviceSummary, column int) string {
	return []string{d.DeviceID, d.Status, d.ConnectionState, d.LastActivityTime, d.Model, d.Firmware, d.AppVersion}[column]
}

// sorted orders items by the column, device id breaking ties.
func (o sortOrder) sorted(items []registry.DeviceSummary) {
	if o.column < 0 {
		return
	}
	sort.SliceStable(items, func(a, b int) bool {
		va, vb := columnValue(items[a], o.column), columnValue(items[b], o.column)
		if va == vb {
			return items[a].DeviceID < items[b].DeviceID
		}
		return (strings.Compare(va, vb) < 0) != o.descending
	})
}

// newHeader is the list's header: a button per column that sorts by it,
// and again in reverse.
func (s *Screen) newHeader() fyne.CanvasObject {
	cells := []fyne.CanvasObject{widget.NewLabel("")}
	for i, c := range columns {
		b := widget.NewButton(lang.L(c), func() { s.sortBy(i) })
		b.Importance = widget.LowImportance
		s.headers = append(s.headers, b)
		cells = append(cells, b)
	}
	return container.NewGridWithColumns(len(cells), cells...)
}

// sortBy sorts by a column (a second tap reverses). The query cannot
// order, so every page of the search is loaded first; the rows are
// sorted when the last one is in.
func (s *Screen) sortBy(column int) {
	if s.order.column == column {
		s.order.descending = !s.order.descending
	} else {
		s.order = sortOrder{column: column}
	}
	for i, b := range s.headers {
		var icon fyne.Resource
		if i == column {
			icon = theme.MenuDropUpIcon()
			if s.order.descending {
				icon = theme.MenuDropDownIcon()
			}
		}
		b.SetIcon(icon)
	}
	s.applyOrder()
}

// applyOrder sorts the rows once every page is in, and asks for the next
// page until then.
func (s *Screen) applyOrder() {
	if s.order.column < 0 || s.fleet == nil {
		return
	}
	if s.rows.next != "" {
		s.loadMore()
		return
	}
	if s.rows.loading {
		return
	}
	s.order.sorted(s.rows.items)
	s.List.Refresh()
}
