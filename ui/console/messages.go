package console

import (
	"errors"
	"io"
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"qpyhub/app/settings"
	"qpyhub/ui/widgets"
)

// MessagePanel is the live message list with its filters and the detail
// of the selected message.
type MessagePanel struct {
	Log        *MessageLog
	List       *widget.List
	Filter     *widget.Entry
	Kind       *widget.Select
	Pause      *widget.Button
	Clear      *widget.Button
	Export     *widget.Button
	Capacity   *widget.Entry
	Held       *widget.Label
	Detail     *DetailPane
	kindValues []EntryKind

	s         *Screen
	paused    bool
	selected  *LogEntry
	selIndex  int
	rowHeight float32
	content   fyne.CanvasObject
}

func newMessagePanel(s *Screen) *MessagePanel {
	m := &MessagePanel{s: s, Log: newMessageLog(settings.DefaultConsoleCapacity), selIndex: -1}
	m.List = widget.NewList(m.Log.ViewLen, newMessageRow, m.updateRow)
	m.rowHeight = newMessageRow().MinSize().Height
	m.List.OnSelected = m.selectRow

	m.Filter = widget.NewEntry()
	m.Filter.SetPlaceHolder(lang.L("Filter: text in topic, properties or payload"))
	m.Filter.OnChanged = func(string) { m.applyFilter() }
	m.kindValues = []EntryKind{KindAll, KindC2D, KindTwin, KindMethod, KindConnection, KindSent}
	names := make([]string, len(m.kindValues))
	for i, k := range m.kindValues {
		names[i] = kindLabel(k)
	}
	m.Kind = widget.NewSelect(names, func(string) { m.applyFilter() })
	m.Kind.SetSelectedIndex(0)

	m.Pause = widget.NewButtonWithIcon(lang.L("Pause"), theme.MediaPauseIcon(), m.togglePause)
	m.Clear = widget.NewButtonWithIcon(lang.L("Clear"), theme.DeleteIcon(), m.clear)
	m.Export = widget.NewButtonWithIcon(lang.L("Export…"), theme.DocumentSaveIcon(), m.exportDialog)
	m.Capacity = widget.NewEntry()
	m.Capacity.SetText(strconv.Itoa(settings.DefaultConsoleCapacity))
	m.Capacity.Validator = widgets.ValidateConsoleCapacity
	m.Capacity.OnChanged = m.setCapacity
	m.Held = widget.NewLabel("")
	m.Held.Importance = widget.WarningImportance
	m.Held.Hide()
	m.Detail = newDetailPane()

	keep := container.NewHBox(widget.NewLabel(lang.L("Keep last")), container.NewGridWrap(fyne.NewSize(90, m.Capacity.MinSize().Height), m.Capacity))
	// Two rows, so the filter keeps a usable width in a narrow window.
	toolbar := container.NewVBox(
		container.NewBorder(nil, nil, nil, m.Kind, m.Filter),
		container.NewHBox(m.Pause, m.Clear, m.Export, layout.NewSpacer(), keep),
	)
	listSide := container.NewBorder(toolbar, m.Held, nil, nil, m.List)
	split := container.NewVSplit(listSide, m.Detail.Content())
	split.SetOffset(0.6)
	m.content = split
	return m
}

// Content is the panel's widget tree.
func (m *MessagePanel) Content() fyne.CanvasObject { return m.content }

// Paused tells whether new messages are held back.
func (m *MessagePanel) Paused() bool { return m.paused }

func newMessageRow() fyne.CanvasObject {
	l := widget.NewLabel("00:00:00.000  connection  template row for height")
	l.Truncation = fyne.TextTruncateEllipsis
	return l
}

func (m *MessagePanel) updateRow(id widget.ListItemID, o fyne.CanvasObject) {
	e := m.Log.ViewAt(id)
	if e == nil {
		return
	}
	o.(*widget.Label).SetText(rowText(e))
}

// rowText is one line of the list: time, kind, what, and the payload start.
func rowText(e *LogEntry) string {
	title := e.Title
	if e.FixedTitle {
		title = lang.L(e.Title)
	}
	text := e.Time.Local().Format("15:04:05.000") + "  " + kindLabel(e.Kind) + "  " + title
	if len(e.Payload) > 0 {
		text += "  " + payloadPreview(e.Payload, 120)
	}
	return text
}

// kindLabel names a kind for the user.
func kindLabel(k EntryKind) string {
	switch k {
	case KindC2D:
		return lang.L("C2D")
	case KindTwin:
		return lang.L("Twin")
	case KindMethod:
		return lang.L("Method")
	case KindConnection:
		return lang.L("Connection")
	case KindSent:
		return lang.L("Sent")
	}
	return lang.L("All kinds")
}

// add shows a batch's entries, following the newest while the list is
// scrolled to the bottom and keeping the user's place otherwise.
func (m *MessagePanel) add(b eventBatch) {
	m.showHeld(b.held, b.dropped)
	if len(b.entries) == 0 {
		return
	}
	follow := m.atBottom()
	offset := m.List.GetScrollOffset()
	dropped := m.Log.Add(b.entries...)
	m.List.Refresh()
	switch {
	case follow:
		m.List.ScrollToBottom()
	case dropped > 0:
		m.List.ScrollToOffset(max(0, offset-float32(dropped)*m.rowStep()))
	}
	m.keepSelection()
}

// record adds one entry made on this side (a send) through the same path
// as events, so pause and order hold for it too.
func (m *MessagePanel) record(e *LogEntry) {
	if p := m.s.pump; p != nil {
		p.record(e)
		return
	}
	m.add(eventBatch{entries: []*LogEntry{e}})
}

func (m *MessagePanel) rowStep() float32 { return m.rowHeight + theme.Padding() }

// atBottom tells whether the list shows its last row (or has no scroll).
func (m *MessagePanel) atBottom() bool {
	n := m.Log.ViewLen()
	content := float32(n)*m.rowStep() - theme.Padding()
	maxOffset := content - m.List.Size().Height
	return maxOffset <= 0 || m.List.GetScrollOffset() >= maxOffset-m.rowStep()/2
}

func (m *MessagePanel) showHeld(held, dropped int) {
	switch {
	case held > 0 && dropped > 0:
		m.Held.SetText(lang.L("Paused: {{.Count}} new messages held, {{.Dropped}} dropped.", map[string]any{"Count": held, "Dropped": dropped}))
	case held > 0:
		m.Held.SetText(lang.L("Paused: {{.Count}} new messages held.", map[string]any{"Count": held}))
	case m.paused:
		m.Held.SetText(lang.L("Paused."))
	default:
		m.Held.SetText("")
	}
	showIf(m.Held, m.Held.Text != "")
}

func (m *MessagePanel) togglePause() {
	m.paused = !m.paused
	if m.paused {
		m.Pause.SetText(lang.L("Resume"))
		m.Pause.SetIcon(theme.MediaPlayIcon())
	} else {
		m.Pause.SetText(lang.L("Pause"))
		m.Pause.SetIcon(theme.MediaPauseIcon())
	}
	p := m.s.pump
	if p == nil {
		m.showHeld(0, 0)
		return
	}
	p.setPaused(m.paused)
	if b, ok := p.collect(false); ok {
		m.s.applyBatch(m.s.session, p, b)
	} else {
		m.showHeld(0, 0)
	}
}

func (m *MessagePanel) clear() {
	m.Log.Clear()
	m.selected, m.selIndex = nil, -1
	m.List.UnselectAll()
	m.List.Refresh()
	m.Detail.show(nil)
}

func (m *MessagePanel) applyFilter() {
	kind := KindAll
	if i := m.Kind.SelectedIndex(); i >= 0 && m.List != nil {
		kind = m.kindValues[i]
	}
	m.Log.SetFilter(kind, m.Filter.Text)
	m.List.Refresh()
	m.List.ScrollToBottom()
	m.keepSelection()
}

func (m *MessagePanel) setCapacity(text string) {
	n, err := widgets.ParseConsoleCapacity(text)
	if err != nil {
		return
	}
	m.Log.SetCapacity(n)
	if p := m.s.pump; p != nil {
		p.setLimit(n)
	}
	m.List.Refresh()
	m.keepSelection()
}

func (m *MessagePanel) selectRow(id widget.ListItemID) {
	m.selected, m.selIndex = m.Log.ViewAt(id), id
	m.Detail.show(m.selected)
}

// keepSelection un-highlights a row whose message moved or left the view;
// the detail pane keeps showing the message.
func (m *MessagePanel) keepSelection() {
	if m.selected == nil || m.selIndex < 0 {
		return
	}
	if m.Log.ViewIndex(m.selected.Seq) != m.selIndex {
		m.selIndex = -1
		m.List.UnselectAll()
	}
}

// exportTo writes the messages passing the filter as JSON lines.
func (m *MessagePanel) exportTo(w io.Writer) error {
	return writeJSONLines(w, m.Log.Visible())
}

func (m *MessagePanel) exportDialog() {
	win := m.s.deps.window
	if win == nil {
		return
	}
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil || w == nil {
			return
		}
		err = m.exportTo(w)
		if cerr := w.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			dialog.ShowError(errors.New(widgets.ErrorText(err)), win)
		}
	}, win)
	d.SetFileName("qpyhub-messages.jsonl")
	d.Show()
}
