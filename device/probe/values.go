package probe

import (
	"encoding/json"
	"strings"
)

// The module answers -1 or {"error": ...} where a value should be; these
// helpers turn anything unexpected into the zero value.

func asString(m json.RawMessage) string {
	var s string
	if json.Unmarshal(m, &s) != nil {
		return ""
	}
	return strings.TrimSpace(s)
}

func asInt(m json.RawMessage) (int, bool) {
	var n int32
	if len(m) == 0 || json.Unmarshal(m, &n) != nil {
		return 0, false
	}
	return int(n), true
}

func asList(m json.RawMessage) []json.RawMessage {
	var l []json.RawMessage
	if json.Unmarshal(m, &l) != nil {
		return nil
	}
	return l
}

func asStrings(m json.RawMessage) []string {
	var out []string
	for _, it := range asList(m) {
		if s := asString(it); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// at returns element i of l, or nil when l is too short.
func at(l []json.RawMessage, i int) json.RawMessage {
	if i < 0 || i >= len(l) {
		return nil
	}
	return l[i]
}

// inRange returns the value when it lies in [lo, hi]; 0 otherwise (unknown
// markers such as 99 or 255 included).
func inRange(m json.RawMessage, lo, hi int) int {
	n, ok := asInt(m)
	if !ok || n < lo || n > hi {
		return 0
	}
	return n
}
