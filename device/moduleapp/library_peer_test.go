//go:build linux

package moduleapp

import (
	"context"
	"encoding/json"
	"net/url"
	"reflect"
	"strings"
	"testing"
)

// libraryRun runs app (Python using the library as qpyhub, after the
// harness set up scenario) on a module with config, and answers what it
// printed on its "SEEN <json>" line, decoded into seen, with the run.
func libraryRun(t *testing.T, config []byte, scenario map[string]any, app string, seen any) runResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	s := startModule(t, ctx, config, nil)
	code := "import sys, ujson\nsys.path.append('/usr')\nimport qpyhub_harness as h\n" +
		"h.setup(" + pyLiteral(t, scenario) + ")\nimport qpyhub\n" + app + "\nh.dump()\n"
	r := parseRun(t, mustExec(t, ctx, s, code))
	for _, line := range strings.Split(r.out, "\n") {
		if doc, ok := strings.CutPrefix(line, "SEEN "); ok {
			if err := json.Unmarshal([]byte(doc), seen); err != nil {
				t.Fatalf("SEEN %s: %v", doc, err)
			}
			return r
		}
	}
	t.Fatalf("the application printed no SEEN line:\n%s", r.out)
	return r
}

// What handlers get and what becomes of what they answer or raise: a
// cloud-to-device message's property bag decoded (a bare key is None, an
// empty value an empty string), a method payload that is not JSON as its
// text, a handler that raises or answers something else than (status,
// payload) gives a 500 and a fail line, and the connection carries on.
func TestLibraryHandlers(t *testing.T) {
	t.Parallel()
	inbound := [][]string{
		{"devices/dev-01/messages/devicebound/%24.mid=m1&%24.to=%2Fdevices%2Fdev-01%2Fmessages%2Fdevicebound&flag&empty=&sp=a%20b", "hi"},
		{"devices/dev-01/messages/devicebound/%24.mid=m2", "raise"},
		{"$iothub/methods/POST/boom/?$rid=7", "{}"},
		{"$iothub/methods/POST/shape/?$rid=8", "{}"},
		{"$iothub/methods/POST/echo/?$rid=9", "not json"},
		{"$iothub/twin/PATCH/properties/desired/?$version=4", `{"x":1,"$version":4}`},
	}
	app := `seen = []
def c2d(body, props):
    if body == b'raise':
        raise ValueError('bad body')
    seen.append(['c2d', body.decode(), props])
def boom(payload):
    raise RuntimeError('boom')
def echo(payload):
    seen.append(['echo', payload])
    return 200, payload
def desired(patch, version):
    seen.append(['desired', patch, version])
    raise KeyError('x')
hub = qpyhub.Hub('/usr/qpyhub_config.json')
hub.on_c2d(c2d)
hub.on_method('boom', boom)
hub.on_method('shape', lambda payload: 'not a pair')
hub.on_method('echo', echo)
hub.on_desired(desired)
hub.connect()
while hub.poll():
    pass
seen.append(['report', hub.report({'a': 1})])
print('SEEN ' + ujson.dumps(seen))`
	var seen []json.RawMessage
	r := libraryRun(t, keyConfig(nil), map[string]any{"net": [][]int{{3, 1}}, "inbound": inbound}, app, &seen)
	want := []string{
		`["c2d", "hi", {"$.mid": "m1", "$.to": "/devices/dev-01/messages/devicebound", "flag": null, "empty": "", "sp": "a b"}]`,
		`["echo", "not json"]`,
		`["desired", {"x": 1}, 4]`,
		`["report", 7]`,
	}
	if len(seen) != len(want) {
		t.Fatalf("the handlers saw %s, want %s\n%s", seen, want, r.lines())
	}
	for i := range want {
		sameValue(t, "handler call "+want[i], seen[i], want[i])
	}
	answers := map[string]string{}
	for _, p := range r.rec.Pubs {
		if strings.HasPrefix(p.Topic, "$iothub/methods/res/") {
			answers[p.Topic] = p.Msg
		}
	}
	wantAnswers := map[string]string{
		"$iothub/methods/res/500/?$rid=7": `{"error": "handler raised RuntimeError boom"}`,
		"$iothub/methods/res/200/?$rid=9": `"not json"`,
	}
	for topic, body := range wantAnswers {
		if answers[topic] != body {
			t.Errorf("answer on %s: %q, want %q (answers %v)", topic, answers[topic], body, answers)
		}
	}
	if _, ok := answers["$iothub/methods/res/500/?$rid=8"]; !ok {
		t.Errorf("a handler answering something else than a pair got no 500: %v", answers)
	}
	r.wantOrder(t, "online ok", "c2d fail", "method fail", "method fail", "method ok", "twin info", "twin fail")
	if got := r.find("c2d", "fail")[0].Fields["reason"]; got != "handler raised ValueError bad body" {
		t.Errorf("c2d fail reason %q", got)
	}
	if len(r.find("mqtt", "fail")) != 0 || len(r.rec.Connects) != 1 {
		t.Errorf("a handler's failure cost the connection:\n%s", r.lines())
	}
	checkNoSecrets(t, r, testKey)
}

// send(): a dict goes as JSON with $.ct/$.ce, properties URL-encoded
// with %20 for a space (a '+' is an MQTT wildcard) and '$' kept in
// system property names; text and bytes go as they are; after close()
// it raises HubError instead of dropping the message.
func TestLibrarySend(t *testing.T) {
	t.Parallel()
	app := `seen = []
hub = qpyhub.Hub('/usr/qpyhub_config.json')
hub.connect()
hub.send({'t': 21}, {'k y': 'a b&c', '$.mid': 'x1'})
hub.send('text')
hub.send(b'\x00\x01', {'n': 5})
hub.close()
try:
    hub.send({'t': 22})
    seen.append('sent while closed')
except qpyhub.HubError as e:
    seen.append([e.stage, e.reason])
print('SEEN ' + ujson.dumps(seen))`
	var seen []json.RawMessage
	r := libraryRun(t, keyConfig(nil), map[string]any{"net": [][]int{{3, 1}}}, app, &seen)
	if len(seen) != 1 {
		t.Fatalf("seen %s", seen)
	}
	sameValue(t, "send() after close()", seen[0], `["mqtt", "not connected"]`)
	const events = "devices/dev-01/messages/events/"
	var sent []publish
	for _, p := range r.rec.Pubs {
		if strings.HasPrefix(p.Topic, events) {
			sent = append(sent, p)
		}
	}
	if len(sent) != 3 {
		t.Fatalf("telemetry %+v", sent)
	}
	bags := []map[string]string{
		{"$.ct": "application/json", "$.ce": "utf-8", "k y": "a b&c", "$.mid": "x1"},
		{},
		{"n": "5"},
	}
	for i, p := range sent {
		bag := strings.TrimPrefix(p.Topic, events)
		if strings.ContainsAny(bag, "+ #") || strings.Contains(bag, "%24") {
			t.Errorf("message %d: topic %q", i, p.Topic)
		}
		got := map[string]string{}
		for _, pair := range strings.Split(bag, "&") {
			if k, v, ok := strings.Cut(pair, "="); ok {
				uk, _ := url.QueryUnescape(k)
				uv, _ := url.QueryUnescape(v)
				got[uk] = uv
			}
		}
		if !reflect.DeepEqual(got, bags[i]) {
			t.Errorf("message %d: properties %v, want %v", i, got, bags[i])
		}
	}
	if sent[0].Msg != `{"t": 21}` || sent[1].Msg != "text" || sent[2].Msg != "\x00\x01" {
		t.Errorf("payloads %q %q %q", sent[0].Msg, sent[1].Msg, sent[2].Msg)
	}
}

// sameValue fails unless got and want are the same JSON value.
func sameValue(t *testing.T, what string, got json.RawMessage, want string) {
	t.Helper()
	var g, w any
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatalf("%s: %s: %v", what, got, err)
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(g, w) {
		t.Errorf("%s: got %s", what, got)
	}
}
