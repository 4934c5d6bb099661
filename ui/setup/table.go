package setup

import (
	"qpyhub/app/provision"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// runTable holds one row per module of the last run, in port order. A
// tray is a handful of modules, so plain rows in a scroll do; each keeps
// its error and advice right under it.
type runTable struct {
	Rows []*moduleRow

	byPort map[string]*moduleRow
	rows   *fyne.Container
	box    *fyne.Container
}

func newRunTable() *runTable {
	t := &runTable{byPort: map[string]*moduleRow{}, rows: container.NewVBox()}
	var titles []fyne.CanvasObject
	for _, c := range columnTitles() {
		title := widget.NewLabelWithStyle(c, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		title.Truncation = fyne.TextTruncateEllipsis // a narrow window cuts titles, never overlaps them
		titles = append(titles, title)
	}
	header := container.New(columnsLayout{}, titles...)
	t.box = container.NewVBox(header, widget.NewSeparator(), t.rows)
	return t
}

func (t *runTable) Content() fyne.CanvasObject { return t.box }

// reset starts a new run: one waiting row per port.
func (t *runTable) reset(ports []string) {
	t.Rows = nil
	t.byPort = map[string]*moduleRow{}
	t.rows.RemoveAll()
	for _, p := range ports {
		r := newModuleRow(p)
		t.Rows = append(t.Rows, r)
		t.byPort[p] = r
		t.rows.Add(r.box)
	}
}

// restart sets the rows of ports back to waiting, for a retry; the other
// rows keep how they ended.
func (t *runTable) restart(ports []string) {
	for _, p := range ports {
		if r := t.byPort[p]; r != nil {
			r.wait()
		}
	}
	t.rows.Refresh()
}

// Row is the row of port, nil when it is not in the run.
func (t *runTable) Row(port string) *moduleRow { return t.byPort[port] }

func (t *runTable) progress(p provision.Progress, mask func(string) string) {
	if r := t.byPort[p.Port]; r != nil {
		r.progress(p, mask)
		t.rows.Refresh()
	}
}

// finish shows the results of a run over ports; a port the runner gave
// no result for counts as failed.
func (t *runTable) finish(ports []string, results []provision.Result, mask func(string) string) {
	done := map[string]bool{}
	for _, res := range results {
		if r := t.byPort[res.Port]; r != nil {
			r.finish(res, mask)
			done[res.Port] = true
		}
	}
	for _, p := range ports {
		if r := t.byPort[p]; r != nil && !done[p] {
			r.finish(provision.Result{Port: p, Result: provision.ResultFailed}, mask)
		}
	}
	t.rows.Refresh()
}

// failedPorts are the ports whose last run failed, in row order.
func (t *runTable) failedPorts() []string {
	var out []string
	for _, r := range t.Rows {
		if r.result == provision.ResultFailed {
			out = append(out, r.port)
		}
	}
	return out
}

// counts answers how many modules are online and how many failed.
func (t *runTable) counts() (online, failed int) {
	for _, r := range t.Rows {
		switch r.result {
		case provision.ResultOnline:
			online++
		case provision.ResultFailed:
			failed++
		}
	}
	return online, failed
}

// columnWeights share a row's width out to the columns: the ids and
// the IMEI need more room than the state.
var columnWeights = []float32{1.5, 1.6, 2.2, 1.4, 1.5, 1.5}

// columnsLayout lines the header and every row up in the same
// columns, each as wide as its weight's share of the row.
type columnsLayout struct{}

func (columnsLayout) Layout(objects []fyne.CanvasObject, size fyne.Size) {
	var total float32
	for _, w := range columnWeights {
		total += w
	}
	x := float32(0)
	for i, o := range objects {
		w := size.Width * columnWeights[i%len(columnWeights)] / total
		o.Move(fyne.NewPos(x, 0))
		o.Resize(fyne.NewSize(w, size.Height))
		x += w
	}
}

func (columnsLayout) MinSize(objects []fyne.CanvasObject) fyne.Size {
	var h, w float32
	for _, o := range objects {
		m := o.MinSize()
		h = max(h, m.Height)
		w += m.Width
	}
	return fyne.NewSize(w, h)
}
