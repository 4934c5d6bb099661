package ui

import (
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"

	"qpyhub/cloud"
)

// ConsoleScreen connects to IoT Hub as a device and shows, live, what the
// hub sends and what the device sends back; with the local hub it can
// also play the cloud.
type ConsoleScreen struct {
	Target     *ConsoleTarget
	Messages   *MessagePanel
	Telemetry  *TelemetryPanel
	Twin       *TwinPanel
	Methods    *MethodPanel
	CloudSide  *CloudSidePanel
	actionTabs *container.AppTabs

	deps    consoleDeps
	session DeviceSession // nil while disconnected
	pump    *eventPump
	content fyne.CanvasObject
}

// consoleDeps is what the console needs from outside; tests swap post and
// ticker so that every widget update happens on the test goroutine.
type consoleDeps struct {
	window      fyne.Window
	sessions    DeviceSessionFactory
	hub         LocalHub // nil when the local hub did not start
	hubErr      error    // why it did not
	credentials func() cloud.MQTTCredentials
	post        func(func())
	ticker      func() (<-chan time.Time, func())
	now         func() time.Time
}

// NewConsoleScreen builds the console. hub may be nil (hubErr says why);
// credentials gives the Credentials screen's current result.
func NewConsoleScreen(w fyne.Window, sessions DeviceSessionFactory, hub LocalHub, hubErr error, credentials func() cloud.MQTTCredentials) *ConsoleScreen {
	return newConsoleScreen(consoleDeps{
		window: w, sessions: sessions, hub: hub, hubErr: hubErr, credentials: credentials,
		post: fyne.Do,
		ticker: func() (<-chan time.Time, func()) {
			t := time.NewTicker(flushInterval)
			return t.C, t.Stop
		},
		now: time.Now,
	})
}

func newConsoleScreen(d consoleDeps) *ConsoleScreen {
	s := &ConsoleScreen{deps: d}
	s.Target = newConsoleTarget(s)
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
func (s *ConsoleScreen) Content() fyne.CanvasObject { return s.content }

// Connected tells whether a session is open (connected or reconnecting).
func (s *ConsoleScreen) Connected() bool { return s.session != nil }

// currentSession is the open session, or nil; actions check it first.
func (s *ConsoleScreen) currentSession() DeviceSession { return s.session }

// Close ends the session, if any; the app calls it when quitting.
func (s *ConsoleScreen) Close() {
	if s.session != nil {
		s.session.Close()
	}
}
