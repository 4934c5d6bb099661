package devices

import (
	"context"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"qpyhub/cloud/registry"
	"qpyhub/ui/widgets"
)

// callTimeout bounds one call to the hub made for the screen.
const callTimeout = 60 * time.Second

// Screen is the Devices screen.
type Screen struct {
	win    fyne.Window
	source FleetSource
	post   func(func())
	fleet  Fleet

	rows    rows
	order   sortOrder
	headers []*widget.Button
	checked map[string]bool
	current string // the device in the detail pane

	HubString *widget.Entry // a hub policy connection string
	Local     *widget.Button
	Connect   *widget.Button
	Search    *widget.Entry // the WHERE clause
	List      *widget.List
	Count     *widget.Label // rows loaded, ticked, and whether more follow
	Message   *widget.Label // the last error or result
	detail    *detailPane
	bulk      *bulkPanel
	content   fyne.CanvasObject
}

// NewScreen builds the screen; nothing is loaded until a hub is chosen.
func NewScreen(win fyne.Window, source FleetSource, post func(func())) *Screen {
	s := &Screen{win: win, source: source, post: post, checked: map[string]bool{}, order: sortOrder{column: -1}}
	s.HubString = widget.NewPasswordEntry()
	s.HubString.SetPlaceHolder(lang.L("Hub policy connection string (HostName=…;SharedAccessKeyName=…;SharedAccessKey=…)"))
	s.Local = widget.NewButton(lang.L("Local hub"), s.openLocal)
	s.Connect = widget.NewButton(lang.L("Connect"), s.openHub)
	s.Search = widget.NewEntry()
	s.Search.SetPlaceHolder(lang.L("Search, e.g. WHERE tags.site = 'lab' AND properties.reported.qpyhub.model = 'EC600N'"))
	s.Search.OnSubmitted = func(string) { s.reload() }
	s.Count = widget.NewLabel("")
	s.Message = widget.NewLabel("")
	s.Message.Wrapping = fyne.TextWrapWord
	s.List = widget.NewList(func() int { return len(s.rows.items) }, s.newRow, s.updateRow)
	s.List.OnSelected = func(id widget.ListItemID) {
		if id >= 0 && id < len(s.rows.items) {
			s.showDevice(s.rows.items[id].DeviceID)
		}
	}
	s.detail = newDetailPane(s)
	s.bulk = newBulkPanel(s)
	hub := container.NewBorder(nil, nil, nil, container.NewHBox(s.Connect, s.Local), s.HubString)
	search := container.NewBorder(nil, nil, nil, widget.NewButton(lang.L("Search"), s.reload), s.Search)
	left := container.NewBorder(container.NewVBox(hub, search, s.newHeader()), s.Count, nil, nil, s.List)
	right := container.NewAppTabs(
		container.NewTabItem(lang.L("Device"), s.detail.content),
		container.NewTabItem(lang.L("Ticked devices"), s.bulk.content))
	split := container.NewHSplit(left, right)
	split.SetOffset(0.6)
	s.content = container.NewBorder(nil, s.Message, nil, nil, split)
	s.showCount()
	return s
}

// Content is the screen's widget tree.
func (s *Screen) Content() fyne.CanvasObject { return s.content }

// columns are the list's columns after the tick box.
var columns = []string{"Device", "Status", "Connection", "Last activity", "Model", "Firmware", "Application"}

// newRow makes one row of the virtual list: only the rows on screen
// exist as widgets.
func (s *Screen) newRow() fyne.CanvasObject {
	cells := []fyne.CanvasObject{widget.NewCheck("", nil)}
	for range columns {
		// Plain text, cut to fit: a label per cell costs a rich text
		// renderer each, and scrolling fills every cell in view.
		cells = append(cells, container.NewPadded(canvas.NewText("", theme.Color(theme.ColorNameForeground))))
	}
	return container.NewGridWithColumns(len(cells), cells...)
}

func (s *Screen) updateRow(id widget.ListItemID, o fyne.CanvasObject) {
	if id < 0 || id >= len(s.rows.items) {
		return
	}
	d := s.rows.items[id]
	cells := o.(*fyne.Container).Objects
	check := cells[0].(*widget.Check)
	check.OnChanged = nil
	check.SetChecked(s.checked[d.DeviceID])
	check.OnChanged = func(on bool) { s.tick(d.DeviceID, on) }
	for i, v := range []string{d.DeviceID, statusText(d.Status), connectionText(d.ConnectionState), d.LastActivityTime, d.Model, d.Firmware, d.AppVersion} {
		t := cellText(cells[i+1])
		if text, color := cut(dash(v)), theme.Color(theme.ColorNameForeground); t.Text != text || t.Color != color {
			t.Text, t.Color = text, color
			t.Refresh()
		}
	}
	if s.rows.wantsMore(id) {
		s.loadMore()
	}
}

// cellText is the text of one cell of a row.
func cellText(cell fyne.CanvasObject) *canvas.Text {
	return cell.(*fyne.Container).Objects[0].(*canvas.Text)
}

// cellRunes is how much of a value a cell shows; the detail pane shows
// all of it.
const cellRunes = 22

// cut shortens a value to cellRunes, marking the cut with "…".
func cut(s string) string {
	r := []rune(s)
	if len(r) <= cellRunes {
		return s
	}
	return string(r[:cellRunes-1]) + "…"
}

func (s *Screen) tick(id string, on bool) {
	if on {
		s.checked[id] = true
	} else {
		delete(s.checked, id)
	}
	s.showCount()
	s.bulk.refresh()
}

// openLocal shows the hub running in this program.
func (s *Screen) openLocal() {
	if s.source == nil {
		s.say(lang.L("No hub can be reached from this window."))
		return
	}
	f, err := s.source.Local()
	s.use(f, err)
}

// openHub shows the hub the connection string names.
func (s *Screen) openHub() {
	if s.source == nil {
		s.say(lang.L("No hub can be reached from this window."))
		return
	}
	f, err := s.source.Open(s.HubString.Text)
	s.use(f, err)
}

func (s *Screen) use(f Fleet, err error) {
	if err != nil {
		s.say(widgets.ErrorText(err))
		return
	}
	s.fleet = f
	s.reload()
}

// reload starts over with the search box's condition.
func (s *Screen) reload() {
	if s.fleet == nil {
		s.say(lang.L("Choose a hub first: the local hub, or paste a policy connection string and connect."))
		return
	}
	s.rows.reset(s.Search.Text)
	s.checked = map[string]bool{}
	s.List.UnselectAll()
	s.List.Refresh()
	s.bulk.refresh()
	s.say("")
	s.loadMore()
}

// loadMore asks for the next page in the background.
func (s *Screen) loadMore() {
	if s.rows.loading {
		return
	}
	s.rows.loading = true
	s.showCount()
	f, search, where, cont := s.fleet, s.rows.search, s.rows.where, s.rows.next
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
		defer cancel()
		p := fetchPage(ctx, f, search, where, cont)
		s.post(func() {
			if !s.rows.add(p) {
				return
			}
			if p.err != nil {
				s.say(widgets.ErrorText(p.err))
			}
			s.List.Refresh()
			s.showCount()
			if p.err == nil {
				s.applyOrder()
			}
		})
	}()
}

// showCount says how many rows are loaded and ticked.
func (s *Screen) showCount() {
	text := lang.L("{{.Count}} devices", map[string]any{"Count": len(s.rows.items)})
	if s.rows.next != "" || s.rows.loading {
		text = lang.L("{{.Count}} devices loaded, more follow", map[string]any{"Count": len(s.rows.items)})
	}
	if n := len(s.checked); n > 0 {
		text += " · " + lang.L("{{.Count}} ticked", map[string]any{"Count": n})
	}
	s.Count.SetText(text)
}

// say shows a message under the screen.
func (s *Screen) say(text string) { s.Message.SetText(text) }

// tickedIDs are the ticked devices in list order.
func (s *Screen) tickedIDs() []string {
	var ids []string
	for _, d := range s.rows.items {
		if s.checked[d.DeviceID] {
			ids = append(ids, d.DeviceID)
		}
	}
	return ids
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func statusText(s string) string {
	switch s {
	case registry.StatusEnabled:
		return lang.L("enabled")
	case registry.StatusDisabled:
		return lang.L("disabled")
	}
	return s
}

func connectionText(s string) string {
	switch s {
	case "Connected":
		return lang.L("online")
	case "Disconnected":
		return lang.L("offline")
	}
	return s
}

// quoteID writes a device id as a query string literal.
func quoteID(id string) string {
	out := "'"
	for _, r := range id {
		if r == '\'' {
			out += "''"
			continue
		}
		out += string(r)
	}
	return out + "'"
}

// idCondition is the query condition naming exactly these devices.
func idCondition(ids []string) string {
	cond := "deviceId IN ["
	for i, id := range ids {
		if i > 0 {
			cond += ", "
		}
		cond += quoteID(id)
	}
	return cond + "]"
}
