package module

import (
	"bytes"
	"context"
	"io"
	"path"
	"qpyhub/ui/widgets"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"
)

// start runs op on the module port in the background, with a Cancel
// button and a progress bar (measured for transfers), then calls done on
// the UI goroutine.
func (p *FilesPanel) start(what string, measured bool, op func(ctx context.Context, port string) error, done func(error)) {
	port := p.current.Name()
	if port == "" {
		p.fail(widgets.ErrNoModulePort, "")
		return
	}
	if p.Busy() {
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	p.cancel = cancel
	p.setWorking(true, measured)
	p.Message.Importance = widget.MediumImportance
	p.Message.SetText(what)
	p.updateButtons()
	go func() {
		err := op(ctx, port)
		p.post(func() {
			cancel()
			p.cancel = nil
			p.setWorking(false, measured)
			done(err)
			p.updateButtons()
		})
	}()
}

// CancelOperation stops the running operation.
func (p *FilesPanel) CancelOperation() {
	if p.cancel != nil {
		p.cancel()
	}
}

func (p *FilesPanel) setWorking(on, measured bool) {
	p.Cancel.Hidden = !on
	p.Cancel.Refresh()
	if measured {
		p.Progress.SetValue(0)
		p.Progress.Hidden = !on
		p.Progress.Refresh()
		return
	}
	if on {
		p.Working.Show()
		p.Working.Start()
	} else {
		p.Working.Stop()
		p.Working.Hide()
	}
}

// progress reports transfer progress from the operation's goroutine.
func (p *FilesPanel) progress(done, total int64) {
	if total <= 0 {
		return
	}
	p.post(func() { p.Progress.SetValue(float64(done) / float64(total)) })
}

// fail shows why an operation failed; prefix says which one.
func (p *FilesPanel) fail(err error, prefix string) {
	t := widgets.ExplainModuleFailure(err)
	text := t.Text()
	if prefix != "" {
		text = prefix + "\n" + text
	}
	if t.Detail != "" {
		text += "\n(" + t.Detail + ")"
	}
	p.Message.Importance = widget.DangerImportance
	p.Message.SetText(text)
}

func (p *FilesPanel) succeed(text string) {
	p.Message.Importance = widget.SuccessImportance
	p.Message.SetText(text)
}

func (p *FilesPanel) askUpload() {
	p.openFile(func(r fyne.URIReadCloser, err error) {
		if err != nil {
			p.fail(err, "")
			return
		}
		if r == nil {
			return // the user closed the dialog
		}
		p.upload(r)
	})
}

// upload copies a local file into the current folder. Module files are
// small, so it is read whole first: Put needs the size up front.
func (p *FilesPanel) upload(r fyne.URIReadCloser) {
	name := r.URI().Name()
	target := path.Join(p.dir, name)
	p.start(lang.L("Uploading {{.Name}} to {{.Path}}…", map[string]any{"Name": name, "Path": target}), true,
		func(ctx context.Context, port string) error {
			data, err := io.ReadAll(r)
			r.Close()
			if err != nil {
				return err
			}
			return p.files.Put(ctx, port, target, bytes.NewReader(data), int64(len(data)), p.progress)
		},
		func(err error) {
			if err != nil {
				p.fail(err, lang.L("The upload of {{.Name}} did not finish; the file on the module is unchanged.", map[string]any{"Name": name}))
				return
			}
			p.Reload()
		})
}

func (p *FilesPanel) askDownload() {
	e, ok := p.selectedEntry()
	if !ok || e.IsDir {
		return
	}
	src := p.selectedPath()
	p.saveFile(e.Name, func(w fyne.URIWriteCloser, err error) {
		if err != nil {
			p.fail(err, "")
			return
		}
		if w == nil {
			return
		}
		p.download(src, w)
	})
}

func (p *FilesPanel) download(src string, w fyne.URIWriteCloser) {
	var n int64
	p.start(lang.L("Downloading {{.Path}}…", map[string]any{"Path": src}), true,
		func(ctx context.Context, port string) error {
			var err error
			n, err = p.files.Get(ctx, port, src, w, p.progress)
			if cerr := w.Close(); err == nil {
				err = cerr
			}
			return err
		},
		func(err error) {
			if err != nil {
				p.fail(err, lang.L("The download of {{.Path}} did not finish.", map[string]any{"Path": src}))
				return
			}
			p.succeed(lang.L("Saved {{.Path}} ({{.Size}}) to {{.File}}", map[string]any{"Path": src, "Size": humanSize(n), "File": w.URI().Path()}))
		})
}

func (p *FilesPanel) runSelected() {
	e, ok := p.selectedEntry()
	if !ok || e.IsDir {
		return
	}
	script := p.selectedPath()
	var stdout, stderr string
	p.start(lang.L("Running {{.Path}}…", map[string]any{"Path": script}), false,
		func(ctx context.Context, port string) (err error) {
			stdout, stderr, err = p.files.Run(ctx, port, script)
			return err
		},
		func(err error) {
			out := strings.TrimRight(stdout, "\n")
			if stderr != "" {
				out = strings.TrimRight(out+"\n"+stderr, "\n")
			}
			p.Output.SetText(out)
			p.Output.Show()
			if err != nil {
				p.fail(err, lang.L("{{.Path}} stopped with an error.", map[string]any{"Path": script}))
				return
			}
			p.succeed(lang.L("{{.Path}} finished.", map[string]any{"Path": script}))
		})
}
