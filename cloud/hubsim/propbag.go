package hubsim

import (
	"net/url"
	"strings"
)

// bagPair is one property of an MQTT topic property bag. A nil value is a
// property without a value, written as the bare key.
type bagPair struct {
	key   string
	value *string
}

// encodeBag writes a property bag the way IoT Hub does in devicebound
// topics: keys and values URL-encoded ('$' as %24, space as %20), pairs
// joined with '&'.
func encodeBag(pairs []bagPair) string {
	var b strings.Builder
	for i, p := range pairs {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(bagEscape(p.key))
		if p.value != nil {
			b.WriteByte('=')
			b.WriteString(bagEscape(*p.value))
		}
	}
	return b.String()
}

// bagEscape is query escaping with %20 for space: a '+' in a topic is an
// MQTT wildcard character and must not appear.
func bagEscape(s string) string {
	return strings.ReplaceAll(url.QueryEscape(s), "+", "%20")
}

// decodeBag reads a property bag as a device sends it. A bare key maps to
// "" (the map cannot hold null); a pair that is not valid URL encoding is
// kept as written, since IoT Hub keeps the message too.
func decodeBag(s string) map[string]string {
	props := map[string]string{}
	for _, part := range strings.Split(s, "&") {
		if part == "" {
			continue
		}
		k, v, _ := strings.Cut(part, "=")
		props[bagUnescape(k)] = bagUnescape(v)
	}
	return props
}

func bagUnescape(s string) string {
	u, err := url.QueryUnescape(s)
	if err != nil {
		return s
	}
	return u
}
