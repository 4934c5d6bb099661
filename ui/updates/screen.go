package updates

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"qpyhub/cloud"
	"qpyhub/ui/widgets"
)

// Screen is the Updates screen.
type Screen struct {
	win      fyne.Window
	services Services
	post     func(func())
	hub      Hub

	HubString *widget.Entry // a hub policy connection string
	Local     *widget.Button
	Connect   *widget.Button
	HubName   *widget.Label // the hub chosen, or why none is
	Bundle    *bundleField
	Targets   *targetPicker
	Hosting   *hostingForm
	Start     *widget.Button
	Cancel    *widget.Button
	Progress  *widget.ProgressBar
	Message   *widget.Label // what the start or the watch is doing, or why it stopped
	Table     *updateTable
	Retry     *widget.Button

	run     *running      // the start or watch under way, nil when none
	last    *StartRequest // the update the table shows, nil before the first
	content fyne.CanvasObject
}

// running is a start or a watch that Cancel stops.
type running struct {
	cancel   context.CancelFunc
	watching bool
}

// NewScreen builds the screen; nothing is read until a bundle and a hub
// are chosen. post runs a function on the UI goroutine (the window binds
// it once).
func NewScreen(win fyne.Window, services Services, post func(func())) *Screen {
	s := &Screen{win: win, services: services, post: post}
	s.HubString = widget.NewPasswordEntry()
	s.HubString.SetPlaceHolder(lang.L("Hub policy connection string (HostName=…;SharedAccessKeyName=…;SharedAccessKey=…)"))
	s.Local = widget.NewButton(lang.L("Local hub"), s.openLocal)
	s.Connect = widget.NewButton(lang.L("Connect"), s.openHub)
	s.HubName = widget.NewLabel(lang.L("No hub chosen yet."))
	s.HubName.Wrapping = fyne.TextWrapWord
	s.Start = widget.NewButtonWithIcon(lang.L("Start the update"), theme.UploadIcon(), s.startUpdate)
	s.Start.Importance = widget.HighImportance
	s.Cancel = widget.NewButtonWithIcon(lang.L("Cancel"), theme.CancelIcon(), s.cancelRun)
	s.Cancel.Hide()
	s.Progress = widget.NewProgressBar()
	s.Progress.Hide()
	s.Message = widget.NewLabel("")
	s.Message.Wrapping = fyne.TextWrapWord
	s.Table = newUpdateTable(s)
	s.Retry = widget.NewButtonWithIcon(lang.L("Retry failed"), theme.ViewRefreshIcon(), s.retryFailed)
	// The form's parts enable Start as they change: they come last.
	s.Bundle = newBundleField(s)
	s.Targets = newTargetPicker(s)
	s.Hosting = newHostingForm(s)

	hub := container.NewBorder(nil, nil, nil, container.NewHBox(s.Connect, s.Local), s.HubString)
	form := container.NewVBox(
		s.Bundle.content,
		heading(lang.L("Hub")), hub, s.HubName,
		s.Targets.content,
		s.Hosting.content,
	)
	actions := container.NewBorder(nil, nil, nil, container.NewHBox(s.Cancel, s.Start), s.Progress)
	left := container.NewBorder(nil, container.NewVBox(widget.NewSeparator(), actions), nil, nil,
		container.NewVScroll(container.NewPadded(form)))
	right := container.NewBorder(container.NewVBox(heading(lang.L("Modules")), s.Table.Summary), container.NewVBox(s.Message, container.NewHBox(s.Retry)),
		nil, nil, s.Table.Table)
	split := container.NewHSplit(left, right)
	split.SetOffset(0.45)
	s.content = split
	s.refreshStart()
	return s
}

// Content is the screen's widget tree.
func (s *Screen) Content() fyne.CanvasObject { return s.content }

// heading is a section's bold title.
func heading(text string) *widget.Label {
	l := widget.NewLabel(text)
	l.TextStyle = fyne.TextStyle{Bold: true}
	return l
}

// openLocal uses the hub running in this program.
func (s *Screen) openLocal() {
	if s.services == nil {
		s.noServices()
		return
	}
	h, err := s.services.LocalHub()
	if err == nil {
		s.HubName.SetText(lang.L("Hub: the local hub in this program."))
		s.Hosting.preferLocal(true)
	}
	s.useHub(h, err)
}

// openHub uses the hub the connection string names.
func (s *Screen) openHub() {
	if s.services == nil {
		s.noServices()
		return
	}
	h, err := s.services.OpenHub(s.HubString.Text)
	if err == nil {
		s.HubName.SetText(lang.L("Hub: the one this connection string names."))
		if cs, perr := cloud.ParseConnectionString(s.HubString.Text); perr == nil && cs.HostName != "" {
			s.HubName.SetText(lang.L("Hub: {{.Host}}", map[string]any{"Host": cs.HostName}))
		}
		s.Hosting.preferLocal(false)
	}
	s.useHub(h, err)
}

// noServices says the window gave the screen nothing to reach hubs with.
func (s *Screen) noServices() {
	s.HubName.SetText(lang.L("No hub can be reached from this window."))
}

func (s *Screen) useHub(h Hub, err error) {
	if err != nil {
		s.hub = nil
		s.HubName.SetText(widgets.ErrorText(err))
		s.HubName.Importance = widget.DangerImportance
		s.HubName.Refresh()
		s.refreshStart()
		return
	}
	s.HubName.Importance = widget.MediumImportance
	s.HubName.Refresh()
	s.hub = h
	s.Targets.hubChanged()
	s.refreshStart()
}

// refreshStart enables Start and Retry when they can act.
func (s *Screen) refreshStart() {
	idle := s.run == nil
	widgets.EnableIf(s.Start, idle && s.hub != nil && s.Bundle.manifest != nil)
	widgets.EnableIf(s.Retry, idle && s.hub != nil && s.last != nil && len(s.Table.retryable()) > 0)
}

// say shows a line under the table; danger marks a failure.
func (s *Screen) say(text string, importance widget.Importance) {
	s.Message.Importance = importance
	s.Message.SetText(text)
}
