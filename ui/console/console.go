package console

import (
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"

	"qpyhub/cloud"
)

// Screen connects to IoT Hub as a device and shows, live, what the
// hub sends and what the device sends back; with the local hub it can
// also play the cloud.
type Screen struct {
	Target     *Target
	Messages   *MessagePanel
	Telemetry  *TelemetryPanel
	Twin       *TwinPanel
	Methods    *MethodPanel
	CloudSide  *CloudSidePanel
	actionTabs *container.AppTabs

	deps    deps
	session DeviceSession // nil while disconnected
	pump    *eventPump
	content fyne.CanvasObject
}

// deps is what the console needs from outside; tests hand their own post
// and ticker so that every widget update happens on the test goroutine.
type deps struct {
	window      fyne.Window
	sessions    DeviceSessionFactory
	hub         LocalHub // nil when the local hub did not start
	hubErr      error    // why it did not
	credentials func() cloud.MQTTCredentials
	post        func(func())
	ticker      func() (<-chan time.Time, func())
	now         func() time.Time
}

// NewScreen builds the console. hub may be nil (hubErr says why);
// credentials gives the Credentials screen's current result; post runs a
// function on the UI goroutine (the window binds it once).
func NewScreen(w fyne.Window, sessions DeviceSessionFactory, hub LocalHub, hubErr error, credentials func() cloud.MQTTCredentials, post func(func())) *Screen {
	return newScreen(deps{
		window: w, sessions: sessions, hub: hub, hubErr: hubErr, credentials: credentials,
		post: post,
		ticker: func() (<-chan time.Time, func()) {
			t := time.NewTicker(flushInterval)
			return t.C, t.Stop
		},
		now: time.Now,
	})
}

func newScreen(d deps) *Screen {
	s := &Screen{deps: d}
	s.Target = newTarget(s)
	s.Messages = newMessagePanel(s)
	s.Telemetry = newTelemetryPanel(s)
	s.Twin = newTwinPanel(s)
	s.Methods = newMethodPanel(s)
	s.CloudSide = newCloudSidePanel(s)

	s.actionTabs = container.NewAppTabs(
		container.NewTabItem(lang.L("Telemetry"), container.NewVScroll(s.Telemetry.Content())),
		container.NewTabItem(lang.L("Twin"), container.NewVScroll(s.Twin.Content())),
		container.NewTabItem(lang.L("Methods"), container.NewVScroll(s.Methods.Content())),
		container.NewTabItem(lang.L("Cloud side"), container.NewVScroll(s.CloudSide.Content())),
	)
	left := container.NewBorder(s.Target.Content(), nil, nil, nil, s.Messages.Content())
	split := container.NewHSplit(left, s.actionTabs)
	split.SetOffset(0.62)
	s.content = split
	s.Target.refresh()
	return s
}

// Content is the screen's widget tree.
func (s *Screen) Content() fyne.CanvasObject { return s.content }

// Connected tells whether a session is open (connected or reconnecting).
func (s *Screen) Connected() bool { return s.session != nil }

// currentSession is the open session, or nil; actions check it first.
func (s *Screen) currentSession() DeviceSession { return s.session }

// Close ends the session, if any; the app calls it when quitting.
func (s *Screen) Close() {
	if s.session != nil {
		s.session.Close()
	}
}
