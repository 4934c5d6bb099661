package console

import (
	"bytes"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"qpyhub/cloud/hubclient"
)

func connected(addr string, expires time.Time) *hubclient.ConnectionState {
	return &hubclient.ConnectionState{State: hubclient.StateConnected, Addr: addr, TokenExpiresAt: expires, Time: time.Unix(1700000000, 0)}
}

func c2dWith(payload string, props ...string) *hubclient.C2DMessage {
	var bag hubclient.PropertyBag
	for i := 0; i+1 < len(props); i += 2 {
		bag.Add(props[i], props[i+1])
	}
	return &hubclient.C2DMessage{Topic: "devices/demo-device/messages/devicebound/" + bag.Encode(), Properties: bag,
		System: hubclient.SystemProperties{MessageID: "mid-1"}, Payload: []byte(payload), Received: time.Unix(1700000001, 0)}
}

func TestConsoleConnectsToTheLocalDevice(t *testing.T) {
	r := newConsoleRig(t)
	if r.s.Target.Device.Selected != "demo-device" {
		t.Fatalf("default device = %q", r.s.Target.Device.Selected)
	}
	s := r.connect()
	if s.target.LocalDevice != "demo-device" {
		t.Errorf("target = %+v, want the local demo-device", s.target)
	}
	if r.s.Target.Connect.Disabled() == false || r.s.Target.Disconnect.Disabled() {
		t.Error("Connect should be disabled and Disconnect enabled once connected")
	}
	r.deliver(connected("127.0.0.1:8883", time.Unix(1700003600, 0)))
	status := r.s.Target.Status.Text
	if !strings.Contains(status, "Connected to 127.0.0.1:8883") || !strings.Contains(status, "60 min") {
		t.Errorf("status = %q, want connected with the token's remaining hour", status)
	}
	r.deliver(&hubclient.ConnectionState{State: hubclient.StateReconnecting, Addr: "127.0.0.1:8883", Reason: hubclient.ReasonConnectionLost})
	if status := r.s.Target.Status.Text; !strings.Contains(status, "Reconnecting") || !strings.Contains(status, hubclient.ReasonConnectionLost) {
		t.Errorf("status = %q, want reconnecting with the reason", status)
	}

	test.Tap(r.s.Target.Disconnect)
	r.ui.next() // the pump's last batch after the session closed
	if r.s.Connected() || !strings.Contains(r.s.Target.Status.Text, "Disconnected") || r.s.Target.Connect.Disabled() {
		t.Errorf("after disconnect: connected=%v status=%q", r.s.Connected(), r.s.Target.Status.Text)
	}
}

func TestConsoleConnectFailureShowsTheReason(t *testing.T) {
	r := newConsoleRig(t)
	r.factory.connectErr = &hubclient.ConnectError{Reason: hubclient.ReasonNotAuthorized, Addr: "127.0.0.1:8883", Err: errors.New("refused")}
	test.Tap(r.s.Target.Connect)
	r.ui.next()
	if r.s.Connected() || !strings.Contains(r.s.Target.Status.Text, hubclient.ReasonNotAuthorized) {
		t.Fatalf("connected=%v status=%q", r.s.Connected(), r.s.Target.Status.Text)
	}
	r.ui.next() // the closed session's last batch must not hide the reason
	if !strings.Contains(r.s.Target.Status.Text, hubclient.ReasonNotAuthorized) || r.s.Target.Connect.Disabled() {
		t.Errorf("status = %q, connect disabled = %v", r.s.Target.Status.Text, r.s.Target.Connect.Disabled())
	}
}

func TestConsoleShowsC2DInDetail(t *testing.T) {
	r := newConsoleRig(t)
	r.connect()
	r.deliver(connected("h", time.Time{}), c2dWith(`{"command":"blink","times":3}`, "priority", "high"))
	m := r.s.Messages
	if m.List.Length() != 2 {
		t.Fatalf("list has %d rows, want 2", m.List.Length())
	}
	m.List.Select(1)
	if v, ok := m.Detail.PropertyText("priority"); !ok || v != "high" {
		t.Errorf("property priority = %q (%v)", v, ok)
	}
	if v, _ := m.Detail.PropertyText("$.mid"); v != "mid-1" {
		t.Errorf("system property $.mid = %q", v)
	}
	want := "{\n  \"command\": \"blink\",\n  \"times\": 3\n}"
	if m.Detail.Payload.Text != want {
		t.Errorf("payload shown as %q, want pretty JSON %q", m.Detail.Payload.Text, want)
	}
	if !strings.Contains(m.Detail.Topic.Text, "devicebound/priority=high") || !strings.Contains(m.Detail.Format.Text, "JSON") {
		t.Errorf("topic %q, format %q", m.Detail.Topic.Text, m.Detail.Format.Text)
	}
}

func TestConsoleFiltersByTextAndKind(t *testing.T) {
	r := newConsoleRig(t)
	r.connect()
	r.deliver(c2dWith("hot coffee"), c2dWith("cold tea"),
		&hubclient.DesiredPatch{Version: 3, Patch: []byte(`{"interval":30}`), Received: time.Unix(1700000002, 0)})
	m := r.s.Messages
	test.Type(m.Filter, "HOT")
	if m.List.Length() != 1 || string(m.Log.ViewAt(0).Payload) != "hot coffee" {
		t.Fatalf("text filter shows %d rows", m.List.Length())
	}
	m.Filter.SetText("")
	m.Kind.SetSelected(kindLabel(KindTwin))
	if m.List.Length() != 1 || m.Log.ViewAt(0).Kind != KindTwin {
		t.Fatalf("kind filter shows %d rows", m.List.Length())
	}
	r.deliver(c2dWith("more"), &hubclient.DesiredPatch{Version: 4, Patch: []byte(`{}`)})
	if m.List.Length() != 2 {
		t.Errorf("new twin patch not shown under the twin filter: %d rows", m.List.Length())
	}
	m.Kind.SetSelected(kindLabel(KindAll))
	if m.List.Length() != 5 {
		t.Errorf("all kinds: %d rows, want 5", m.List.Length())
	}
}

func TestConsolePauseHoldsAndResumeShows(t *testing.T) {
	r := newConsoleRig(t)
	r.connect()
	m := r.s.Messages
	test.Tap(m.Pause)
	r.deliver(c2dWith("one"), c2dWith("two"))
	if m.List.Length() != 0 {
		t.Fatalf("paused list shows %d rows", m.List.Length())
	}
	if !m.Held.Visible() || !strings.Contains(m.Held.Text, "2 new messages held") {
		t.Errorf("held line = %q (visible %v)", m.Held.Text, m.Held.Visible())
	}
	test.Tap(m.Pause) // resume
	if m.List.Length() != 2 || string(m.Log.ViewAt(1).Payload) != "two" {
		t.Fatalf("after resume the list shows %d rows", m.List.Length())
	}
	if m.Held.Visible() {
		t.Errorf("held line still visible: %q", m.Held.Text)
	}
	test.Tap(m.Clear)
	if m.List.Length() != 0 || m.Log.Len() != 0 {
		t.Errorf("after clear: %d rows", m.List.Length())
	}
}

func TestConsoleRingBoundFromTheScreen(t *testing.T) {
	r := newConsoleRig(t)
	r.connect()
	m := r.s.Messages
	m.Capacity.SetText("")
	test.Type(m.Capacity, "3")
	var evs []hubclient.Event
	for i := range 10 {
		evs = append(evs, c2dWith("m"+strconv.Itoa(i)))
	}
	r.deliver(evs...)
	if m.List.Length() != 3 {
		t.Fatalf("list has %d rows, want the ring's 3", m.List.Length())
	}
	for i, want := range []string{"m7", "m8", "m9"} {
		if got := string(m.Log.ViewAt(i).Payload); got != want {
			t.Errorf("row %d = %q, want %q", i, got, want)
		}
	}
}

func TestConsoleAnswersAMethodCall(t *testing.T) {
	r := newConsoleRig(t)
	s := r.connect()
	r.deliver(&hubclient.MethodCall{Name: "reboot", RID: "42", Payload: []byte(`{"delay":5}`)})
	mp := r.s.Methods
	if len(mp.Pending()) != 1 {
		t.Fatalf("%d calls pending, want 1", len(mp.Pending()))
	}
	mp.Status.Entry.SetText("")
	test.Type(mp.Status.Entry, "202")
	mp.Payload.SetText("")
	test.Type(mp.Payload, `{"ok":true}`)
	test.Tap(mp.Answer.Start)
	got := <-s.answers
	if got != (fakeAnswer{rid: "42", status: 202, payload: `{"ok":true}`}) {
		t.Errorf("answer = %+v", got)
	}
	r.ui.next() // the answer's outcome
	if len(mp.Pending()) != 0 || !strings.Contains(mp.Answer.Result.Text, "202") {
		t.Errorf("pending %d, result %q", len(mp.Pending()), mp.Answer.Result.Text)
	}
	r.tick <- time.Time{}
	r.ui.next()
	last := r.s.Messages.Log.ViewAt(r.s.Messages.Log.ViewLen() - 1)
	if last.Kind != KindSent || last.Title != "method answer" {
		t.Errorf("last log entry = %+v, want the sent answer", last)
	}
}

func TestConsoleAnswersAutomatically(t *testing.T) {
	r := newConsoleRig(t)
	mp := r.s.Methods
	test.Type(mp.RuleMethod.Entry, "ping")
	mp.RulePayload.SetText("")
	test.Type(mp.RulePayload, `{"pong":1}`)
	test.Tap(mp.AddRule)
	if len(mp.Rules.Objects) != 1 {
		t.Fatalf("%d rules shown", len(mp.Rules.Objects))
	}
	s := r.connect()
	s.events <- &hubclient.MethodCall{Name: "ping", RID: "7"}
	if got := <-s.answers; got != (fakeAnswer{rid: "7", status: 200, payload: `{"pong":1}`}) {
		t.Errorf("automatic answer = %+v", got)
	}
	r.deliver(c2dWith("after"))
	if len(mp.Pending()) != 0 {
		t.Errorf("an automatically answered call is still pending")
	}
}

func TestConsoleTelemetryWithProperties(t *testing.T) {
	r := newConsoleRig(t)
	s := r.connect()
	tp := r.s.Telemetry
	test.Type(tp.Properties.Entry, "alert=true\nsource = console")
	test.Tap(tp.Send.Start)
	r.ui.next()
	if len(s.telemetry) != 1 || s.telemetry[0]["alert"] != "true" || s.telemetry[0]["source"] != "console" {
		t.Fatalf("telemetry properties = %v (result %q)", s.telemetry, tp.Send.Result.Text)
	}
	tp.Properties.Entry.SetText("no equals sign")
	test.Tap(tp.Send.Start)
	if !strings.Contains(tp.Send.Result.Text, "Line 1") {
		t.Errorf("bad properties: result %q", tp.Send.Result.Text)
	}
}

func TestConsoleGetTwinShownPretty(t *testing.T) {
	r := newConsoleRig(t)
	r.connect()
	test.Tap(r.s.Twin.Get.Start)
	r.ui.next()
	if !strings.Contains(r.s.Twin.Document.Text, "\n    \"interval\": 30") {
		t.Errorf("twin shown as %q", r.s.Twin.Document.Text)
	}
	test.Tap(r.s.Twin.Send.Start)
	r.ui.next()
	if !strings.Contains(r.s.Twin.Send.Result.Text, "version 7") {
		t.Errorf("patch result %q", r.s.Twin.Send.Result.Text)
	}
}

func TestConsoleExportHoldsNoSecrets(t *testing.T) {
	r := newConsoleRig(t)
	const key = "c2VjcmV0LWRldmljZS1rZXktZm9yLXRlc3Rz"
	r.s.Target.Mode.SetSelected(r.s.Target.Mode.Options[targetAzure])
	test.Type(r.s.Target.ConnString.Entry, "HostName=hub1.azure-devices.net;DeviceId=dev1;SharedAccessKey="+key)
	s := r.connect()
	if s.target.Identity.Key != key || s.target.LocalDevice != "" {
		t.Fatalf("target = %+v", s.target.Identity.DeviceID)
	}
	r.deliver(connected("hub1.azure-devices.net:8883", time.Unix(1700003600, 0)), c2dWith(`{"a":1}`, "k", "v"))
	var buf bytes.Buffer
	if err := r.s.Messages.exportTo(&buf); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if strings.Count(out, "\n") != 2 || !strings.Contains(out, `"kind":"c2d"`) || !strings.Contains(out, `"kind":"connection"`) {
		t.Errorf("export = %s", out)
	}
	if strings.Contains(out, key) || strings.Contains(out, "SharedAccess") {
		t.Errorf("export holds a secret: %s", out)
	}
}

func TestConsoleCloudSide(t *testing.T) {
	r := newConsoleRig(t)
	cs := r.s.CloudSide
	if !strings.Contains(cs.Note.Text, "demo-device") {
		t.Fatalf("cloud side note = %q", cs.Note.Text)
	}
	test.Tap(cs.SendC2D.Start)
	r.ui.next()
	if len(r.hub.c2d) != 1 || r.hub.c2d[0].Properties["priority"] != "high" {
		t.Fatalf("C2D sent: %+v", r.hub.c2d)
	}
	test.Tap(cs.UpdateDesired.Start)
	r.ui.next()
	if len(r.hub.desired) != 1 || !strings.Contains(cs.UpdateDesired.Result.Text, "version 2") {
		t.Errorf("desired %v, result %q", r.hub.desired, cs.UpdateDesired.Result.Text)
	}
	test.Tap(cs.Invoke.Start)
	r.ui.next()
	if !strings.Contains(cs.Invoke.Result.Text, "200") || !strings.Contains(cs.MethodAnswer.Text, `"rebooting": true`) {
		t.Errorf("invoke result %q answer %q", cs.Invoke.Result.Text, cs.MethodAnswer.Text)
	}
	r.s.Target.Mode.SetSelected(r.s.Target.Mode.Options[targetAzure])
	if cs.body.Visible() {
		t.Error("the cloud side stays usable for an Azure device")
	}
}

func TestConsoleNewLocalDevice(t *testing.T) {
	r := newConsoleRig(t)
	tg := r.s.Target
	test.Tap(tg.AddDevice)
	if !tg.NewDeviceID.Error.Visible() {
		t.Error("an empty device id gives no error")
	}
	test.Type(tg.NewDeviceID.Entry, "tray-07")
	test.Tap(tg.AddDevice)
	if tg.Device.Selected != "tray-07" || len(tg.Device.Options) != 2 {
		t.Fatalf("picker: %q of %v", tg.Device.Selected, tg.Device.Options)
	}
	if tg.LocalConnString.Text() == "" || strings.Contains(tg.LocalConnString.Text(), "SharedAccessKey") {
		t.Errorf("the device's connection string is not masked: %q", tg.LocalConnString.Text())
	}
}

// A session that gave the device up to another connection says so, in the
// status line, and keeps saying it after its events end (the closing
// batch must not replace the reason with a bare "Disconnected").
func TestConsoleDisplacedKeepsTheReason(t *testing.T) {
	r := newConsoleRig(t)
	s := r.connect()
	r.deliver(connected("127.0.0.1:8883", time.Time{}))
	r.deliver(&hubclient.ConnectionState{State: hubclient.StateDisconnected, Addr: "127.0.0.1:8883", Reason: hubclient.ReasonDisplaced})
	s.Close()
	r.ui.next() // the pump's last batch, with no new state
	status := r.s.Target.Status.Text
	if !strings.Contains(status, hubclient.ReasonDisplaced) || r.s.Target.Status.Importance != widget.DangerImportance {
		t.Errorf("status = %q (importance %v), want the displacement reason as an error", status, r.s.Target.Status.Importance)
	}
	if r.s.Connected() || r.s.Target.Connect.Disabled() {
		t.Errorf("connected=%v, connect disabled=%v; want a console ready to connect again", r.s.Connected(), r.s.Target.Connect.Disabled())
	}
}
