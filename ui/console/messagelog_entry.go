package console

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"qpyhub/cloud/hubclient"
)

// entryFromEvent turns a session event into a log entry; nil for events
// the log does not show.
func entryFromEvent(ev hubclient.Event) *LogEntry {
	switch ev := ev.(type) {
	case *hubclient.C2DMessage:
		e := &LogEntry{Time: ev.Received, Kind: KindC2D, Title: "C2D message", FixedTitle: true, Topic: ev.Topic}
		for _, p := range ev.Properties.All() {
			e.Props = append(e.Props, EntryProp{p.Key, p.Value})
		}
		e.Props = append(e.Props, systemProps(ev.System)...)
		e.setPayload(ev.Payload)
		return e
	case *hubclient.DesiredPatch:
		e := &LogEntry{Time: ev.Received, Kind: KindTwin, Title: "desired properties changed", FixedTitle: true,
			Topic: "$iothub/twin/PATCH/properties/desired/?$version=" + strconv.Itoa(ev.Version)}
		e.Props = []EntryProp{{"$version", strconv.Itoa(ev.Version)}}
		e.setPayload(ev.Patch)
		return e
	case *hubclient.MethodCall:
		e := &LogEntry{Time: ev.Received, Kind: KindMethod, Title: ev.Name,
			Topic: "$iothub/methods/POST/" + ev.Name + "/?$rid=" + ev.RID}
		e.Props = []EntryProp{{"method", ev.Name}, {"$rid", ev.RID}}
		e.setPayload(ev.Payload)
		return e
	case *hubclient.ConnectionState:
		e := &LogEntry{Time: ev.Time, Kind: KindConnection, Title: string(ev.State), FixedTitle: true, Topic: ev.Addr}
		for _, p := range []EntryProp{{"state", string(ev.State)}, {"reason", ev.Reason}, {"detail", ev.Detail}} {
			if p.Value != "" {
				e.Props = append(e.Props, p)
			}
		}
		if !ev.TokenExpiresAt.IsZero() {
			e.Props = append(e.Props, EntryProp{"token expires", ev.TokenExpiresAt.Format(time.RFC3339)})
		}
		if ev.Dropped > 0 {
			e.Props = append(e.Props, EntryProp{"dropped events", strconv.FormatUint(ev.Dropped, 10)})
		}
		e.index()
		return e
	}
	return nil
}

// sentEntry records something this side sent (telemetry, a reported
// patch, a method answer).
func sentEntry(now time.Time, title, topic string, props map[string]string, payload []byte) *LogEntry {
	e := &LogEntry{Time: now, Kind: KindSent, Title: title, FixedTitle: true, Topic: topic}
	keys := make([]string, 0, len(props))
	for k := range props {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		e.Props = append(e.Props, EntryProp{k, props[k]})
	}
	e.setPayload(payload)
	return e
}

func systemProps(s hubclient.SystemProperties) []EntryProp {
	var out []EntryProp
	for _, p := range []EntryProp{
		{"$.mid", s.MessageID}, {"$.cid", s.CorrelationID}, {"$.uid", s.UserID}, {"$.to", s.To},
		{"$.exp", s.Expiry}, {"$.ct", s.ContentType}, {"$.ce", s.ContentEncoding},
	} {
		if p.Value != "" {
			out = append(out, p)
		}
	}
	return out
}

// setPayload keeps at most maxPayloadKept bytes and indexes the entry.
func (e *LogEntry) setPayload(b []byte) {
	if len(b) > maxPayloadKept {
		e.Truncated = len(b) - maxPayloadKept
		b = b[:maxPayloadKept]
	}
	e.Payload = bytes.Clone(b)
	e.index()
}

// index builds the lower-case text the filter searches.
func (e *LogEntry) index() {
	var sb strings.Builder
	sb.WriteString(e.Title)
	sb.WriteByte('\n')
	sb.WriteString(e.Topic)
	for _, p := range e.Props {
		sb.WriteByte('\n')
		sb.WriteString(p.Name)
		sb.WriteByte('=')
		sb.WriteString(p.Value)
	}
	if p := e.Payload[:min(len(e.Payload), maxSearchPayload)]; utf8.Valid(p) {
		sb.WriteByte('\n')
		sb.Write(p)
	}
	e.search = strings.ToLower(sb.String())
}

// Payload formats, as the detail pane and the export name them.
const (
	formatJSON = "json"
	formatText = "text"
	formatHex  = "hex"
)

// payloadFormat says how a payload is best shown.
func payloadFormat(b []byte) string {
	switch {
	case len(b) > 0 && json.Valid(b):
		return formatJSON
	case utf8.Valid(b):
		return formatText
	}
	return formatHex
}

// renderPayload shows a payload as indented JSON, text, or a hex dump.
func renderPayload(b []byte) (format, text string) {
	format = payloadFormat(b)
	switch format {
	case formatJSON:
		var out bytes.Buffer
		if json.Indent(&out, b, "", "  ") == nil {
			return format, out.String()
		}
		return format, string(b)
	case formatText:
		return format, string(b)
	}
	return format, hex.Dump(b)
}

// payloadPreview is the start of a payload on one line, for the list.
func payloadPreview(b []byte, limit int) string {
	if !utf8.Valid(b[:min(len(b), limit)]) && !utf8.Valid(b) {
		return hex.EncodeToString(b[:min(len(b), limit/2)])
	}
	s := string(b[:min(len(b), limit)])
	for !utf8.ValidString(s) && len(s) > 0 {
		s = s[:len(s)-1]
	}
	s = strings.Join(strings.Fields(s), " ")
	if len(b) > limit {
		s += "…"
	}
	return s
}
