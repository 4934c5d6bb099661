//go:build linux

// An application written only against the module library's interface
// (testdata/libapp.py, using assets/module/qpyhub.py) on the test peer
// against the local hub: what it sends reaches the hub, what the hub
// sends reaches it, and it stays online through token renewals and a hub
// restart.

package e2e

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"path/filepath"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"qpyhub/cloud/hubsim"
	"qpyhub/device/moduleapp"
)

// libApp prints "APP <what> <json>" lines and sends {"n": N} with the
// property kind=count every second.
//
//go:embed testdata/libapp.py
var libApp []byte

// appLine is one "APP <what> <json>" line of an application.
type appLine struct {
	What string
	Doc  json.RawMessage
}

func parseAppLine(line string) (appLine, bool) {
	rest, ok := strings.CutPrefix(strings.TrimSpace(line), "APP ")
	if !ok {
		return appLine{}, false
	}
	what, doc, _ := strings.Cut(rest, " ")
	if !json.Valid([]byte(doc)) {
		return appLine{}, false
	}
	return appLine{What: what, Doc: json.RawMessage(doc)}, true
}

func (a appLine) decode(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(a.Doc, v); err != nil {
		t.Fatalf("APP %s %s: %v", a.What, a.Doc, err)
	}
}

// startApp boots a peer whose main.py is app, with config.
func startApp(t *testing.T, ctx context.Context, app, config []byte) *programRun {
	t.Helper()
	return startOnPeer(t, ctx, nil, map[string][]byte{"main.py": app, "qpyhub_config.json": config})
}

// awaitApp answers the first APP line named what that satisfies want
// (nil: any) and was not answered before, reading the module's lines for
// at most within until one comes.
func (r *programRun) awaitApp(t *testing.T, within time.Duration, what string, want func(appLine) bool) appLine {
	t.Helper()
	if r.taken == nil {
		r.taken = map[int]bool{}
	}
	take := func(i int) bool {
		a := r.apps[i]
		if r.taken[i] || a.What != what || (want != nil && !want(a)) {
			return false
		}
		r.taken[i] = true
		return true
	}
	for i := range r.apps {
		if take(i) {
			return r.apps[i]
		}
	}
	r.read(t, within, "APP "+what, func(_ *moduleapp.StatusLine, a *appLine) bool {
		return a != nil && take(len(r.apps)-1)
	})
	return r.apps[len(r.apps)-1]
}

// findApp answers every APP line named what seen so far.
func (r *programRun) findApp(what string) []appLine {
	var out []appLine
	for _, a := range r.apps {
		if a.What == what {
			out = append(out, a)
		}
	}
	return out
}

// sameJSON fails unless got and want are the same JSON value.
func sameJSON(t *testing.T, what string, got []byte, want string) {
	t.Helper()
	var g, w any
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatalf("%s: %q is not JSON: %v", what, got, err)
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(g, w) {
		t.Errorf("%s = %s, want %s", what, got, want)
	}
}

// counted answers the n of every {"n": N} message with kind=count the hub
// holds, sorted.
func counted(t *testing.T, hub *hubsim.Server) []int {
	t.Helper()
	var ns []int
	for _, m := range hub.Telemetry(deviceID, time.Time{}) {
		if m.Properties["kind"] != "count" {
			continue
		}
		var doc struct{ N int }
		if err := json.Unmarshal(m.Payload, &doc); err != nil {
			t.Fatalf("telemetry %q: %v", m.Payload, err)
		}
		ns = append(ns, doc.N)
	}
	sort.Ints(ns)
	return ns
}

// Everything the interface offers, against the local hub: telemetry with
// properties (a dict as JSON with $.ct/$.ce, text as it is), a reported
// property in the twin with report()'s version, twin(), the desired
// properties whole at connect and then as a patch, a direct method, and
// a cloud-to-device message with its properties.
func TestLibraryAppOnTheLocalHub(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 2*netTimeout)
	defer cancel()
	hub, dev := startProgramHub(t, ctx, hubsim.Config{})
	red, err := hub.UpdateDesired(deviceID, json.RawMessage(`{"color":"red"}`))
	if err != nil {
		t.Fatal(err)
	}
	r := startApp(t, ctx, libApp, programConfig(t, hub, dev, string(hub.CAPEM()), nil))
	r.online(t)

	var reported struct{ Version int }
	r.awaitApp(t, netTimeout/2, "reported", nil).decode(t, &reported)
	raw, err := hub.Twin(deviceID)
	if err != nil {
		t.Fatal(err)
	}
	var twin struct {
		Properties struct {
			Reported struct {
				App     map[string]any `json:"app"`
				Version int            `json:"$version"`
			} `json:"reported"`
		} `json:"properties"`
	}
	if err := json.Unmarshal(raw, &twin); err != nil {
		t.Fatal(err)
	}
	if got := twin.Properties.Reported; got.App["state"] != "up" || got.Version != reported.Version || reported.Version == 0 {
		t.Errorf("reported in the twin %+v, report() answered version %d", got, reported.Version)
	}

	var seen struct {
		Desired  map[string]any `json:"desired"`
		Reported map[string]any `json:"reported"`
	}
	r.awaitApp(t, netTimeout/2, "twin", nil).decode(t, &seen)
	if seen.Desired["color"] != "red" || seen.Reported["app"] == nil || seen.Reported["qpyhub"] == nil {
		t.Errorf("twin() answered %+v", seen)
	}

	atConnect := r.awaitApp(t, netTimeout/2, "desired", nil)
	sameJSON(t, "on_desired at connect", atConnect.Doc, `{"patch":{"color":"red"},"version":`+strconv.Itoa(red)+`}`)

	text, err := hub.WaitTelemetry(ctx, deviceID, func(m hubsim.TelemetryMessage) bool { return m.Properties["kind"] == "text" })
	if err != nil {
		t.Fatal(err)
	}
	if string(text.Payload) != "plain text" || text.Properties["$.ct"] != "" {
		t.Errorf("text message %q with properties %v", text.Payload, text.Properties)
	}
	count, err := hub.WaitTelemetry(ctx, deviceID, func(m hubsim.TelemetryMessage) bool { return m.Properties["kind"] == "count" })
	if err != nil {
		t.Fatal(err)
	}
	if p := count.Properties; p["$.ct"] != "application/json" || p["$.ce"] != "utf-8" {
		t.Errorf("dict message properties %v, want $.ct application/json and $.ce utf-8", p)
	}
	sameJSON(t, "the first dict message", count.Payload, `{"n":1}`)

	blue, err := hub.UpdateDesired(deviceID, json.RawMessage(`{"color":"blue"}`))
	if err != nil {
		t.Fatal(err)
	}
	patch := r.awaitApp(t, netTimeout/2, "desired", nil)
	sameJSON(t, "on_desired for the patch", patch.Doc, `{"patch":{"color":"blue"},"version":`+strconv.Itoa(blue)+`}`)

	status, answer, err := hub.InvokeMethod(ctx, deviceID, "echo", json.RawMessage(`{"x":[1,2]}`), 20*time.Second)
	if err != nil || status != 201 {
		t.Fatalf("echo: status %d, %v", status, err)
	}
	sameJSON(t, "echo's answer", answer, `{"echo":{"x":[1,2]}}`)
	if status, _, err := hub.InvokeMethod(ctx, deviceID, "nope", nil, 20*time.Second); err != nil || status != 404 {
		t.Errorf("a method without a handler: status %d, %v; want 404", status, err)
	}

	msg := hubsim.C2DMessage{Payload: []byte("hello module"), MessageID: "m-1", Properties: map[string]string{"color": "deep blue"}}
	if err := hub.SendC2D(deviceID, msg); err != nil {
		t.Fatal(err)
	}
	var c2d struct {
		Body  string            `json:"body"`
		Props map[string]string `json:"props"`
	}
	r.awaitApp(t, netTimeout/2, "c2d", nil).decode(t, &c2d)
	if c2d.Body != "hello module" || c2d.Props["color"] != "deep blue" || c2d.Props["$.mid"] != "m-1" ||
		c2d.Props["$.to"] != "/devices/"+deviceID+"/messages/devicebound" {
		t.Errorf("on_c2d got %+v", c2d)
	}
	if err := hub.WaitC2DQueue(ctx, deviceID, 0); err != nil {
		t.Errorf("the message was never acknowledged: %v", err)
	}
	if n := len(r.findApp("desired")); n != 2 {
		t.Errorf("on_desired called %d times, want once at connect and once for the patch", n)
	}
	if fails := r.find(moduleapp.StageMQTT, moduleapp.StateFail); len(fails) != 0 {
		t.Errorf("the application went offline:\n%s", r.text())
	}
}

// With tokens of a few seconds and a hub that honours them not a second
// longer, the application stays online across three renewals: every
// message it sent reaches the hub, none is refused, and the
// cloud-to-device messages sent meanwhile all arrive.
func TestLibraryRenewsShortTokensWithoutLosingMessages(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 2*netTimeout)
	defer cancel()
	hub, dev := startProgramHub(t, ctx, hubsim.Config{TokenGrace: 0})
	r := startApp(t, ctx, libApp, programConfig(t, hub, dev, string(hub.CAPEM()), func(c *moduleapp.Config) { c.TokenTTL = 10 }))
	r.online(t)

	stop := make(chan struct{})
	sent := make(chan []string, 1)
	go sendC2DEverySecond(t, hub, stop, sent)
	renewals := 0
	r.await(t, netTimeout, "three renewals", func(st moduleapp.StatusLine) bool {
		if st.Stage == moduleapp.StageSAS && st.State == moduleapp.StateInfo {
			renewals++
		}
		return renewals == 3 && st.Stage == moduleapp.StageOnline && st.State == moduleapp.StateOK
	})
	close(stop)
	for _, p := range <-sent {
		r.awaitApp(t, netTimeout/2, "c2d", func(a appLine) bool { return strings.Contains(string(a.Doc), `"`+p+`"`) })
	}
	// Two more after the last renewal, so the ones before it had time.
	last := counted(t, hub)
	if _, err := hub.WaitTelemetry(ctx, deviceID, func(m hubsim.TelemetryMessage) bool {
		return bytes.Contains(m.Payload, []byte(`"n": `+strconv.Itoa(len(last)+2)+`}`))
	}); err != nil {
		t.Fatal(err)
	}
	ns := counted(t, hub)
	for i, n := range ns {
		if n != i+1 {
			t.Fatalf("the hub has messages %v: %d is missing", ns, i+1)
		}
	}
	if len(ns) < 10 {
		t.Errorf("only %d messages over three renewals", len(ns))
	}
	if refused := r.findApp("not_sent"); len(refused) != 0 {
		t.Errorf("send() refused %d messages, the first %s", len(refused), refused[0].Doc)
	}
	if fails := append(r.find("mqtt", "fail"), r.find("sas", "fail")...); len(fails) != 0 {
		t.Errorf("the application went offline:\n%s", r.text())
	}
}

// sendC2DEverySecond sends c2d-1, c2d-2 ... until stop, then answers
// what it sent.
func sendC2DEverySecond(t *testing.T, hub *hubsim.Server, stop <-chan struct{}, sent chan<- []string) {
	var payloads []string
	defer func() { sent <- payloads }()
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for i := 1; ; i++ {
		p := "c2d-" + strconv.Itoa(i)
		if err := hub.SendC2D(deviceID, hubsim.C2DMessage{Payload: []byte(p)}); err != nil {
			t.Errorf("send %s: %v", p, err)
			return
		}
		payloads = append(payloads, p)
		select {
		case <-stop:
			return
		case <-tick.C:
		}
	}
}

// The local hub restarts under the application (same registry, CA and
// address): poll() notices, reconnects with backoff, the messages resume,
// and a cloud-to-device message sent while the module was away arrives.
func TestLibraryRidesOutAHubRestart(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 3*netTimeout)
	defer cancel()
	registry := filepath.Join(t.TempDir(), "registry.json")
	hub1, dev := startProgramHub(t, ctx, hubsim.Config{RegistryFile: registry})
	r := startApp(t, ctx, libApp, programConfig(t, hub1, dev, string(hub1.CAPEM()), nil))
	r.online(t)
	if _, err := hub1.WaitTelemetry(ctx, deviceID, func(m hubsim.TelemetryMessage) bool { return m.Properties["kind"] == "count" }); err != nil {
		t.Fatal(err)
	}

	addr := hub1.MQTTAddr()
	if err := hub1.Close(); err != nil {
		t.Fatal(err)
	}
	gone := r.await(t, progKeepalive*time.Second, "the module noticing the hub went", is(moduleapp.StageMQTT, moduleapp.StateFail))
	if why := gone.Fields["reason"]; why != "connection closed by the server" {
		t.Errorf("reason %q, want connection closed by the server", why)
	}
	hub2, err := hubsim.New(hubsim.Config{RegistryFile: registry, MQTTAddr: addr})
	if err != nil {
		t.Fatal(err)
	}
	if err := hub2.SendC2D(deviceID, hubsim.C2DMessage{Payload: []byte("sent while away")}); err != nil {
		t.Fatal(err)
	}
	if err := hub2.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { hub2.Close() })
	r.awaitApp(t, 2*progKeepalive*time.Second, "c2d", func(a appLine) bool { return strings.Contains(string(a.Doc), "sent while away") })
	if _, err := hub2.WaitTelemetry(ctx, deviceID, func(m hubsim.TelemetryMessage) bool { return m.Properties["kind"] == "count" }); err != nil {
		t.Fatalf("no message reached the restarted hub: %v", err)
	}
	if err := hub2.WaitC2DQueue(ctx, deviceID, 0); err != nil {
		t.Errorf("the message was never acknowledged: %v", err)
	}
}

// A key the hub does not take: connect() gives up at once (retrying
// cannot help) with a HubError whose stage and reason are the fail
// line's.
func TestLibraryConnectGivesUpOnAWrongKey(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), netTimeout)
	defer cancel()
	hub, dev := startProgramHub(t, ctx, hubsim.Config{})
	wrong := func(c *moduleapp.Config) { c.Key = "d3Jvbmcga2V5IG9mIHRoaXJ0eS10d28gYnl0ZXMhISE=" }
	r := startApp(t, ctx, libApp, programConfig(t, hub, dev, string(hub.CAPEM()), wrong))
	var gaveUp struct{ Stage, Reason string }
	r.awaitApp(t, netTimeout/2, "gave_up", nil).decode(t, &gaveUp)
	fails := r.find(moduleapp.StageMQTT, moduleapp.StateFail)
	if gaveUp.Stage != "mqtt" || len(fails) != 1 || fails[0].Fields["reason"] != gaveUp.Reason {
		t.Fatalf("HubError %+v after the lines:\n%s", gaveUp, r.text())
	}
	if !strings.Contains(gaveUp.Reason, "not authorized") && !strings.Contains(gaveUp.Reason, "bad user name or password") {
		t.Errorf("reason %q does not say the hub refused the credentials", gaveUp.Reason)
	}
	if retries := r.find(moduleapp.StageMQTT, moduleapp.StateInfo); len(retries) != 0 {
		t.Errorf("connect() retried a refusal:\n%s", r.text())
	}
}
