package console

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"qpyhub/cloud/hubclient"
)

func c2dEvent(i int, payload string) *hubclient.C2DMessage {
	var bag hubclient.PropertyBag
	bag.Add("seq", strconv.Itoa(i))
	return &hubclient.C2DMessage{
		Topic:      "devices/dev1/messages/devicebound/seq=" + strconv.Itoa(i),
		Properties: bag,
		Payload:    []byte(payload),
		Received:   time.Unix(1700000000, 0).Add(time.Duration(i) * time.Millisecond),
	}
}

func TestMessageLogRingKeepsTheNewest(t *testing.T) {
	l := newMessageLog(3)
	for i := range 5 {
		l.Add(entryFromEvent(c2dEvent(i, "m"+strconv.Itoa(i))))
	}
	if l.Len() != 3 || l.ViewLen() != 3 {
		t.Fatalf("len %d view %d, want 3 and 3", l.Len(), l.ViewLen())
	}
	for i, want := range []string{"m2", "m3", "m4"} {
		if got := string(l.ViewAt(i).Payload); got != want {
			t.Errorf("view[%d] = %q, want %q", i, got, want)
		}
	}
	l.SetCapacity(2)
	if l.Len() != 2 || string(l.ViewAt(0).Payload) != "m3" {
		t.Fatalf("after shrinking: len %d first %q", l.Len(), l.ViewAt(0).Payload)
	}
}

func TestMessageLogFilterFollowsEvictions(t *testing.T) {
	l := newMessageLog(4)
	l.SetFilter(KindC2D, "HOT")
	dropped := 0
	for i := range 10 {
		payload := "cold"
		if i%2 == 0 {
			payload = "hot"
		}
		dropped += l.Add(entryFromEvent(c2dEvent(i, payload)))
		l.Add(entryFromEvent(&hubclient.ConnectionState{State: hubclient.StateConnected, Reason: "hot"}))
	}
	// The last 4 entries: c2d 8 (hot), connection, c2d 9 (cold), connection.
	if l.ViewLen() != 1 || string(l.ViewAt(0).Payload) != "hot" || !strings.HasSuffix(l.ViewAt(0).Topic, "seq=8") {
		t.Fatalf("view has %d entries, first %+v", l.ViewLen(), l.ViewAt(0))
	}
	if dropped == 0 {
		t.Error("no drop from the view was reported")
	}
	if i := l.ViewIndex(l.ViewAt(0).Seq); i != 0 {
		t.Errorf("ViewIndex = %d, want 0", i)
	}
	l.SetFilter(KindAll, "")
	if l.ViewLen() != 4 {
		t.Errorf("unfiltered view = %d, want 4", l.ViewLen())
	}
}

func TestMessageLogByteBudget(t *testing.T) {
	l := newMessageLog(1000)
	l.maxBytes = 10 << 10
	big := strings.Repeat("x", 4<<10)
	for i := range 10 {
		l.Add(entryFromEvent(c2dEvent(i, big)))
	}
	if l.bytes > l.maxBytes || l.Len() > 2 {
		t.Fatalf("kept %d entries, %d bytes; budget %d", l.Len(), l.bytes, l.maxBytes)
	}
}

func TestPayloadRendering(t *testing.T) {
	tests := []struct {
		in, format, contains string
	}{
		{`{"a":1}`, formatJSON, "\n  \"a\": 1\n"},
		{"plain text", formatText, "plain text"},
		{"\xff\x00\x01", formatHex, "ff 00 01"},
	}
	for _, tc := range tests {
		format, text := renderPayload([]byte(tc.in))
		if format != tc.format || !strings.Contains(text, tc.contains) {
			t.Errorf("renderPayload(%q) = %s %q", tc.in, format, text)
		}
	}
	long := make([]byte, maxPayloadKept+10)
	e := entryFromEvent(&hubclient.C2DMessage{Payload: long})
	if len(e.Payload) != maxPayloadKept || e.Truncated != 10 {
		t.Errorf("kept %d, truncated %d", len(e.Payload), e.Truncated)
	}
}

func TestWriteJSONLinesRemovesSecrets(t *testing.T) {
	entries := []*LogEntry{
		entryFromEvent(c2dEvent(1, `{"temp":20}`)),
		sentEntry(time.Unix(0, 0), "telemetry", "", map[string]string{"cs": "HostName=h;DeviceId=d;SharedAccessKey=c2VjcmV0"}, []byte("token SharedAccessSignature sr=h%2Fdevices%2Fd&sig=abc%3D&se=1")),
		entryFromEvent(&hubclient.C2DMessage{Payload: []byte{0xff, 0xfe}}),
	}
	var buf bytes.Buffer
	if err := writeJSONLines(&buf, entries); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, secret := range []string{"c2VjcmV0", "sig=abc", "abc%3D"} {
		if strings.Contains(out, secret) {
			t.Errorf("export holds %q:\n%s", secret, out)
		}
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 3 {
		t.Fatalf("%d lines, want 3", len(lines))
	}
	var first struct {
		Kind       string            `json:"kind"`
		Properties map[string]string `json:"properties"`
		Payload    map[string]int    `json:"payload"`
	}
	if err := json.Unmarshal([]byte(lines[0]), &first); err != nil {
		t.Fatal(err)
	}
	if first.Kind != "c2d" || first.Properties["seq"] != "1" || first.Payload["temp"] != 20 {
		t.Errorf("first line = %+v", first)
	}
	if !strings.Contains(lines[2], `"payloadFormat":"base64"`) {
		t.Errorf("binary payload line = %s", lines[2])
	}
}
