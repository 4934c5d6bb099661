package updates

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"qpyhub/app/ota"
	"qpyhub/ui/widgets"
)

// bundleField picks the bundle file and shows what its manifest says.
type bundleField struct {
	s        *Screen
	Field    *widgets.InputField
	Choose   *widget.Button
	Summary  *widget.Label
	manifest *ota.Manifest // of the file opened last; nil until one opens
	path     string        // the file the manifest is of
	opening  int           // counts opens, so an older answer is dropped
	// openFile asks the user for a local file; tests replace it.
	openFile func(func(fyne.URIReadCloser, error))
	content  fyne.CanvasObject
}

func newBundleField(s *Screen) *bundleField {
	b := &bundleField{s: s, Summary: widget.NewLabel("")}
	b.openFile = func(done func(fyne.URIReadCloser, error)) {
		d := dialog.NewFileOpen(done, s.win)
		d.Show()
	}
	entry := widget.NewEntry()
	entry.SetPlaceHolder(lang.L("A bundle made with qpyhub ota pack, e.g. app-1.3.zip"))
	entry.OnSubmitted = func(string) { b.open(entry.Text) }
	b.Field = widgets.NewInputField(lang.L("Bundle file"), entry)
	b.Choose = widget.NewButtonWithIcon(lang.L("Choose…"), theme.FolderOpenIcon(), b.choose)
	b.Summary.Wrapping = fyne.TextWrapWord
	b.Summary.Hide()
	row := container.NewBorder(nil, nil, nil, b.Choose, entry)
	b.Field.ReplaceEntry(row, entry)
	b.content = container.NewVBox(b.Field.Content(), b.Summary)
	return b
}

// choose asks for the file with the file dialog, then opens it.
func (b *bundleField) choose() {
	b.openFile(func(r fyne.URIReadCloser, err error) {
		if err != nil {
			b.Field.SetError(err)
			return
		}
		if r == nil {
			return // the dialog was closed
		}
		r.Close()
		if r.URI().Scheme() != "file" {
			b.Field.ShowErrorText(lang.L("Choose a bundle file on this computer."))
			return
		}
		b.Field.Entry.SetText(r.URI().Path())
		b.open(r.URI().Path())
	})
}

// open reads and checks the bundle in the background: every file's
// digest is computed.
func (b *bundleField) open(path string) {
	path = strings.TrimSpace(path)
	b.manifest, b.path = nil, ""
	b.opening++
	b.Summary.Hide()
	b.s.refreshStart()
	if path == "" {
		b.Field.ShowErrorText(lang.L("Choose a bundle file first."))
		return
	}
	b.Field.SetError(nil)
	b.Summary.SetText(lang.L("Reading {{.Path}}…", map[string]any{"Path": path}))
	b.Summary.Show()
	opening, services := b.opening, b.s.services
	go func() {
		m, err := services.OpenBundle(path)
		b.s.post(func() {
			if opening != b.opening {
				return
			}
			if err != nil {
				b.Summary.Hide()
				b.Field.ShowErrorText(widgets.BundleErrorText(err))
				b.s.refreshStart()
				return
			}
			b.manifest, b.path = &m, path
			b.Summary.SetText(manifestSummary(m))
			b.s.refreshStart()
		})
	}()
}

// manifestSummary is a manifest in one line: version, file count, size.
func manifestSummary(m ota.Manifest) string {
	return lang.L("Version {{.Version}} · {{.Count}} files · {{.Size}}",
		map[string]any{"Version": m.Version, "Count": len(m.Files), "Size": humanSize(m.TotalSize())})
}

// humanSize writes a byte count the way file managers do.
func humanSize(n int64) string {
	switch {
	case n < 1024:
		return fmt.Sprintf("%d B", n)
	case n < 1024*1024:
		return fmt.Sprintf("%.1f KiB", float64(n)/1024)
	}
	return fmt.Sprintf("%.1f MiB", float64(n)/(1024*1024))
}
