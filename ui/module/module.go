package module

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"qpyhub/device/ports"
	"qpyhub/ui/widgets"
)

// Screen checks the module on the chosen port and manages its
// files: one tab each.
type Screen struct {
	PortLabel *widget.Label
	Check     *widget.Button
	Cancel    *widget.Button
	Progress  *widget.ProgressBarInfinite
	Card      *Card
	Files     *FilesPanel
	Tabs      *container.AppTabs

	checker Checker
	current *widgets.ModulePort
	status  widgets.StatusLine
	post    func(func())
	cancel  context.CancelFunc // of the check running, nil when none
	content fyne.CanvasObject
}

// NewScreen builds the screen around the chosen module port; w is the
// window its dialogs belong to; post runs a function on the UI goroutine
// (the window binds it once).
func NewScreen(w fyne.Window, checker Checker, files Files, current *widgets.ModulePort, status widgets.StatusLine, post func(func())) *Screen {
	s := &Screen{checker: checker, current: current, status: status, post: post}
	s.PortLabel = widget.NewLabel("")
	s.Check = widget.NewButtonWithIcon(lang.L("Check module"), theme.SearchIcon(), s.StartCheck)
	s.Check.Importance = widget.HighImportance
	s.Cancel = widget.NewButtonWithIcon(lang.L("Cancel"), theme.CancelIcon(), s.CancelCheck)
	s.Cancel.Hide()
	s.Progress = widget.NewProgressBarInfinite()
	s.Progress.Stop()
	s.Progress.Hide()
	s.Card = newCard()
	s.Files = newFilesPanel(w, files, current, post)

	bar := container.NewBorder(nil, nil, nil, container.NewHBox(s.Cancel, s.Check), s.PortLabel)
	check := container.NewBorder(container.NewVBox(bar, s.Progress), nil, nil, nil,
		container.NewVScroll(container.NewPadded(s.Card.Content())))
	s.Tabs = container.NewAppTabs(
		container.NewTabItemWithIcon(lang.L("Check"), theme.InfoIcon(), check),
		container.NewTabItemWithIcon(lang.L("Files"), theme.FolderIcon(), s.Files.Content()),
	)
	s.Tabs.OnSelected = func(t *container.TabItem) {
		if t == s.Tabs.Items[1] {
			s.Files.Shown()
		}
	}
	s.content = s.Tabs
	current.OnChanged(func(ports.Port) { s.showPort() })
	s.showPort()
	return s
}

// Content is the screen's widget tree.
func (s *Screen) Content() fyne.CanvasObject { return s.content }

func (s *Screen) showPort() {
	if name := s.current.Name(); name != "" {
		s.PortLabel.SetText(lang.L("Module port: {{.Port}}", map[string]any{"Port": widgets.DescribePort(s.current.Port())}))
		if s.cancel == nil {
			s.Check.Enable()
		}
	} else {
		s.PortLabel.SetText(lang.L("No module port: choose one on the Ports screen"))
		s.Check.Disable()
	}
	s.Files.portChanged()
}

// Checking tells whether a check runs.
func (s *Screen) Checking() bool { return s.cancel != nil }

// StartCheck runs the module check on the chosen port in the background.
func (s *Screen) StartCheck() {
	port := s.current.Name()
	if port == "" {
		s.Card.ShowTrouble(widgets.ExplainModuleFailure(widgets.ErrNoModulePort))
		return
	}
	if s.cancel != nil {
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	s.cancel = cancel
	s.setChecking(true)
	s.status.SetMessage(lang.L("Checking the module on {{.Port}}…", map[string]any{"Port": port}))
	go func() {
		rep, err := s.checker.Check(ctx, port)
		s.post(func() {
			cancel()
			s.cancel = nil
			s.setChecking(false)
			if err != nil {
				s.Card.ShowTrouble(widgets.ExplainModuleFailure(err))
				s.status.SetMessage(lang.L("Module check failed"))
				return
			}
			s.Card.ShowReport(rep)
			s.status.SetMessage(lang.L("Module check done"))
		})
	}()
}

// CancelCheck stops the running check.
func (s *Screen) CancelCheck() {
	if s.cancel != nil {
		s.cancel()
	}
}

func (s *Screen) setChecking(on bool) {
	if on {
		s.Check.Disable()
		s.Cancel.Show()
		s.Progress.Show()
		s.Progress.Start()
		return
	}
	s.Progress.Stop()
	s.Progress.Hide()
	s.Cancel.Hide()
	s.Check.SetText(lang.L("Check again"))
	if s.current.Name() != "" {
		s.Check.Enable()
	}
}
