package console

import (
	"context"
	"time"

	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"qpyhub/cloud/hubclient"
	"qpyhub/ui/widgets"
)

// connectTimeout bounds the first connection attempt; later ones are the
// session's own business.
const connectTimeout = 45 * time.Second

// connect opens a session for the chosen target and starts pumping its
// events before dialing, so the "connecting" state shows too.
func (t *Target) connect() {
	s := t.s
	if s.session != nil || s.deps.sessions == nil {
		return
	}
	target, ok := t.sessionTarget()
	if !ok {
		return
	}
	session, err := s.deps.sessions.NewSession(target)
	if err != nil {
		t.setStatus(widgets.ErrorText(err), true)
		return
	}
	s.session = session
	s.pump = s.startPump(session)
	ctx, cancel := context.WithTimeout(context.Background(), connectTimeout)
	t.cancelDial = cancel
	t.setStatus(lang.L("Connecting…"), false)
	t.refresh()
	go func() {
		err := session.Connect(ctx)
		s.deps.post(func() {
			cancel()
			t.cancelDial = nil
			if err != nil && s.session == session {
				s.session, s.pump = nil, nil
				t.setStatus(lang.L("Could not connect: ")+widgets.ErrorText(err), true)
				go session.Close()
			}
			t.refresh()
		})
	}()
}

// cancelConnect gives up the first connection attempt.
func (t *Target) cancelConnect() {
	if t.cancelDial != nil {
		t.cancelDial()
	}
}

// disconnect closes the session; the pump reports the end.
func (t *Target) disconnect() {
	session := t.s.session
	if session == nil {
		return
	}
	t.Disconnect.Disable()
	t.setStatus(lang.L("Disconnecting…"), false)
	go session.Close()
}

// startPump reads session's events and feeds them to the message panel.
func (s *Screen) startPump(session DeviceSession) *eventPump {
	tick, stopTick := s.deps.ticker()
	p := &eventPump{post: s.deps.post, tick: tick, limit: s.Messages.Log.Capacity()}
	p.auto = s.Methods.auto
	p.auto.bind(session, p, s.deps.now)
	p.paused = s.Messages.Paused()
	p.apply = func(b eventBatch) { s.applyBatch(session, p, b) }
	go func() {
		defer stopTick()
		p.run(session.Events())
	}()
	return p
}

// applyBatch shows one batch; it runs on the UI goroutine.
func (s *Screen) applyBatch(session DeviceSession, p *eventPump, b eventBatch) {
	if b.state != nil && s.pump == p {
		s.Target.showState(b.state)
		p.shown = b.state
	}
	s.Messages.add(b)
	s.Methods.addCalls(b.calls)
	if b.ended && s.pump == p {
		// The session's own final state, from this batch or an earlier
		// one, says why it ended; only without one is it a bare disconnect.
		if p.shown == nil || (p.shown.State != hubclient.StateDisconnected && p.shown.State != hubclient.StateExpired) {
			s.Target.showState(&hubclient.ConnectionState{State: hubclient.StateDisconnected})
		}
		s.pump = nil
		if s.session == session {
			s.session = nil
		}
		s.Methods.clearCalls()
		s.Target.refresh()
	}
}

// showState puts a connection state into the status line.
func (t *Target) showState(st *hubclient.ConnectionState) {
	var text string
	isError := false
	switch st.State {
	case hubclient.StateConnecting:
		text = lang.L("Connecting to {{.Addr}}…", map[string]any{"Addr": st.Addr})
	case hubclient.StateConnected:
		text = lang.L("Connected to {{.Addr}}.", map[string]any{"Addr": st.Addr})
		if !st.TokenExpiresAt.IsZero() {
			text += " " + lang.L("The token expires in {{.Left}} ({{.At}}).", map[string]any{
				"Left": describeDuration(st.TokenExpiresAt.Sub(t.s.deps.now())),
				"At":   st.TokenExpiresAt.Local().Format("15:04:05"),
			})
		}
	case hubclient.StateReconnecting:
		text = lang.L("Reconnecting to {{.Addr}}…", map[string]any{"Addr": st.Addr})
		isError = true
	case hubclient.StateExpired:
		text = lang.L("Disconnected: the token expired.")
		isError = true
	default:
		text = lang.L("Disconnected.")
		isError = st.Reason != "" && st.Reason != hubclient.ReasonClosed
	}
	if st.Reason != "" {
		text += " " + lang.L(st.Reason)
	}
	if st.Dropped > 0 {
		text += " " + lang.L("{{.Count}} events were dropped because the screen could not keep up.", map[string]any{"Count": st.Dropped})
	}
	t.setStatus(text, isError)
}

// setStatus shows text in the status line, in red for a problem.
func (t *Target) setStatus(text string, isError bool) {
	t.Status.Importance = widget.MediumImportance
	if isError {
		t.Status.Importance = widget.DangerImportance
	}
	t.Status.SetText(text)
}

// describeDuration says how long, roughly, in the largest sensible unit.
func describeDuration(d time.Duration) string {
	switch {
	case d <= 0:
		return lang.L("no time")
	case d < time.Minute:
		return lang.L("{{.N}} s", map[string]any{"N": int(d.Seconds())})
	case d < 2*time.Hour:
		return lang.L("{{.N}} min", map[string]any{"N": int(d.Minutes())})
	case d < 48*time.Hour:
		return lang.L("{{.N}} h", map[string]any{"N": int(d.Hours())})
	}
	return lang.L("{{.N}} days", map[string]any{"N": int(d.Hours() / 24)})
}
