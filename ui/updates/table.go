package updates

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"qpyhub/app/ota"
)

// tableColumns are the table's columns, in English; their widths suit
// a device id, a version, a state word and a bar, and the error gets the
// rest (cut, and whole in the line under the table when its row is
// picked).
var tableColumns = []struct {
	title string
	width float32
}{
	{"Device", 140}, {"Version", 70}, {"State", 115}, {"Progress", 100}, {"Error", 420},
}

// Table columns by index.
const (
	colDevice = iota
	colVersion
	colState
	colProgress
	colError
)

// updateTable shows one row per module of the update under way.
type updateTable struct {
	s       *Screen
	Table   *widget.Table
	Summary *widget.Label
	rows    []ota.DeviceStatus
}

func newUpdateTable(s *Screen) *updateTable {
	t := &updateTable{s: s, Summary: widget.NewLabel(lang.L("Start an update to see each module's progress here."))}
	t.Summary.Truncation = fyne.TextTruncateEllipsis
	t.Table = widget.NewTableWithHeaders(
		func() (int, int) { return len(t.rows), len(tableColumns) },
		newCell, t.updateCell)
	t.Table.ShowHeaderColumn = false
	t.Table.CreateHeader = func() fyne.CanvasObject { return widget.NewLabel("") }
	t.Table.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		if id.Col >= 0 && id.Col < len(tableColumns) {
			l := o.(*widget.Label)
			l.TextStyle = fyne.TextStyle{Bold: true}
			l.SetText(lang.L(tableColumns[id.Col].title))
		}
	}
	for i, c := range tableColumns {
		t.Table.SetColumnWidth(i, c.width)
	}
	t.Table.OnSelected = func(id widget.TableCellID) {
		if id.Row >= 0 && id.Row < len(t.rows) {
			if text := rowError(t.rows[id.Row]); text != "" {
				s.say(t.rows[id.Row].DeviceID+": "+text, widget.DangerImportance)
			}
		}
	}
	return t
}

// newCell is a cell: a label, or a progress bar in the progress column.
func newCell() fyne.CanvasObject {
	l := widget.NewLabel("")
	l.Truncation = fyne.TextTruncateEllipsis
	bar := widget.NewProgressBar()
	bar.Max = 100
	bar.Hide()
	return container.NewStack(l, bar)
}

func (t *updateTable) updateCell(id widget.TableCellID, o fyne.CanvasObject) {
	if id.Row < 0 || id.Row >= len(t.rows) {
		return
	}
	r := t.rows[id.Row]
	cell := o.(*fyne.Container)
	l, bar := cell.Objects[0].(*widget.Label), cell.Objects[1].(*widget.ProgressBar)
	if id.Col == colProgress {
		l.Hide()
		bar.Show()
		bar.SetValue(shownProgress(r))
		return
	}
	bar.Hide()
	l.Show()
	l.Importance = widget.MediumImportance
	switch id.Col {
	case colDevice:
		l.SetText(r.DeviceID)
	case colVersion:
		l.SetText(dash(r.Version))
	case colState:
		l.Importance = stateImportance(shownState(r))
		l.SetText(stateText(shownState(r)))
	case colError:
		l.Importance = widget.DangerImportance
		l.SetText(rowError(r))
	}
	l.Refresh()
}

// show replaces the rows with a new reading, keeping the order of the
// devices already shown.
func (t *updateTable) show(statuses []ota.DeviceStatus) {
	t.rows = statuses
	t.Table.Refresh()
	t.showSummary()
	t.s.refreshStart()
}

// clear empties the table before a new update.
func (t *updateTable) clear() {
	t.rows = nil
	t.Table.UnselectAll()
	t.Table.Refresh()
	t.Summary.SetText("")
}

// allFinal says whether every module finished.
func (t *updateTable) allFinal() bool {
	for _, r := range t.rows {
		if !r.Final() {
			return false
		}
	}
	return len(t.rows) > 0
}

// retryable are the modules that failed or rolled back.
func (t *updateTable) retryable() []string {
	var ids []string
	for _, r := range t.rows {
		if r.Problem == "" && r.Final() && (r.State == ota.StateFailed || r.State == ota.StateRolledBack) {
			ids = append(ids, r.DeviceID)
		}
	}
	return ids
}

// showSummary counts the modules by how far they are.
func (t *updateTable) showSummary() {
	var done, failed, rolled, busy, unread int
	for _, r := range t.rows {
		switch {
		case r.Problem != "":
			unread++
		case !r.Final():
			busy++
		case r.State == ota.StateDone:
			done++
		case r.State == ota.StateFailed:
			failed++
		case r.State == ota.StateRolledBack:
			rolled++
		}
	}
	t.Summary.SetText(lang.L("{{.Count}} modules: {{.Done}} done, {{.Failed}} failed, {{.Rolled}} rolled back, {{.Busy}} still updating",
		map[string]any{"Count": len(t.rows), "Done": done, "Failed": failed, "Rolled": rolled, "Busy": busy}))
	if unread > 0 {
		t.Summary.SetText(t.Summary.Text + " · " + lang.L("{{.Count}} could not be read", map[string]any{"Count": unread}))
	}
}

// unreadable counts the modules whose twin could not be read.
func (t *updateTable) unreadable() int {
	n := 0
	for _, r := range t.rows {
		if r.Problem != "" {
			n++
		}
	}
	return n
}

// shownState is the state to show: a module that has not reported, or
// still reports on another version than the one desired, is waiting for
// the new one; a twin that could not be read has no state.
func shownState(d ota.DeviceStatus) ota.State {
	switch {
	case d.Problem != "":
		return stateUnknown
	case d.NoReport, d.Desired != "" && d.Version != d.Desired:
		return ""
	}
	return d.State
}

// shownProgress is the progress to show: none until the module reports
// on the version desired.
func shownProgress(d ota.DeviceStatus) float64 {
	if s := shownState(d); s == "" || s == stateUnknown {
		return 0
	}
	return float64(d.Progress)
}

// stateUnknown stands for a module whose twin could not be read.
const stateUnknown ota.State = "?"

// rowError is the error a row shows: the module's, or why its twin
// could not be read.
func rowError(d ota.DeviceStatus) string {
	if d.Problem != "" {
		return d.Problem
	}
	return d.Error
}

// stateText is a state in the user's language.
func stateText(s ota.State) string {
	switch s {
	case ota.StateIdle:
		return lang.L("idle")
	case ota.StateDownloading:
		return lang.L("downloading")
	case ota.StateVerifying:
		return lang.L("verifying")
	case ota.StateApplying:
		return lang.L("applying")
	case ota.StateDone:
		return lang.L("done")
	case ota.StateFailed:
		return lang.L("failed")
	case ota.StateRolledBack:
		return lang.L("rolled back")
	case "":
		return lang.L("waiting")
	case stateUnknown:
		return lang.L("unknown")
	}
	return string(s)
}

func stateImportance(s ota.State) widget.Importance {
	switch s {
	case ota.StateDone:
		return widget.SuccessImportance
	case ota.StateFailed, ota.StateRolledBack:
		return widget.DangerImportance
	}
	return widget.MediumImportance
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
