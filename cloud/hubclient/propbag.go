package hubclient

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// Property is one key of a property bag. Null marks a bare key (no '='),
// which the hub uses for a property whose value is null; an empty value
// ("key=") is not null.
type Property struct {
	Key   string
	Value string
	Null  bool
}

// PropertyBag is the URL-encoded "k=v&k2=v2" tail of an IoT Hub topic,
// decoded, in the order the keys appeared.
type PropertyBag struct {
	props []Property
}

// ErrBadPropertyBag is wrapped by every property-bag parse error.
var ErrBadPropertyBag = errors.New("malformed property bag in topic")

// ParsePropertyBag decodes a bag such as "%24.mid=1&color=red&flag".
// Percent escapes are decoded ("+" stays a plus sign, as the hub encodes
// spaces as %20); an empty string is an empty bag.
func ParsePropertyBag(s string) (PropertyBag, error) {
	var b PropertyBag
	if s == "" {
		return b, nil
	}
	for i, part := range strings.Split(s, "&") {
		if part == "" {
			continue // tolerate "a=1&&b=2" and a trailing '&'
		}
		rawKey, rawValue, hasValue := strings.Cut(part, "=")
		key, err := url.PathUnescape(rawKey)
		if err != nil {
			return PropertyBag{}, fmt.Errorf("%w: key %d: %w", ErrBadPropertyBag, i, err)
		}
		if key == "" {
			return PropertyBag{}, fmt.Errorf("%w: empty key at position %d", ErrBadPropertyBag, i)
		}
		p := Property{Key: key, Null: !hasValue}
		if hasValue {
			if p.Value, err = url.PathUnescape(rawValue); err != nil {
				return PropertyBag{}, fmt.Errorf("%w: value of %q: %w", ErrBadPropertyBag, key, err)
			}
		}
		b.props = append(b.props, p)
	}
	return b, nil
}

// Add appends key=value to the bag.
func (b *PropertyBag) Add(key, value string) {
	b.props = append(b.props, Property{Key: key, Value: value})
}

// AddNull appends a bare key, the hub's form for a null value.
func (b *PropertyBag) AddNull(key string) {
	b.props = append(b.props, Property{Key: key, Null: true})
}

// Get returns the value of the first property named key. A null property
// reports ("", true).
func (b PropertyBag) Get(key string) (string, bool) {
	for _, p := range b.props {
		if p.Key == key {
			return p.Value, true
		}
	}
	return "", false
}

// Len is the number of properties, duplicates included.
func (b PropertyBag) Len() int { return len(b.props) }

// All returns a copy of the properties in their original order.
func (b PropertyBag) All() []Property {
	return append([]Property(nil), b.props...)
}

// Map returns the properties as a map; for a repeated key the first wins,
// as with Get.
func (b PropertyBag) Map() map[string]string {
	m := make(map[string]string, len(b.props))
	for _, p := range b.props {
		if _, seen := m[p.Key]; !seen {
			m[p.Key] = p.Value
		}
	}
	return m
}

// Encode writes the bag in topic form. Every byte outside the URL
// unreserved set is percent-encoded, except a leading "$." in keys, which
// the hub expects literally for system properties on telemetry.
func (b PropertyBag) Encode() string {
	var sb strings.Builder
	for i, p := range b.props {
		if i > 0 {
			sb.WriteByte('&')
		}
		if rest, ok := strings.CutPrefix(p.Key, "$."); ok {
			sb.WriteString("$.")
			sb.WriteString(escapeComponent(rest))
		} else {
			sb.WriteString(escapeComponent(p.Key))
		}
		if !p.Null {
			sb.WriteByte('=')
			sb.WriteString(escapeComponent(p.Value))
		}
	}
	return sb.String()
}

// MarshalJSON writes the bag as a JSON object in the original key order;
// null properties become JSON null.
func (b PropertyBag) MarshalJSON() ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteByte('{')
	for i, p := range b.props {
		if i > 0 {
			buf.WriteByte(',')
		}
		k, err := json.Marshal(p.Key)
		if err != nil {
			return nil, err
		}
		buf.Write(k)
		buf.WriteByte(':')
		if p.Null {
			buf.WriteString("null")
			continue
		}
		v, err := json.Marshal(p.Value)
		if err != nil {
			return nil, err
		}
		buf.Write(v)
	}
	buf.WriteByte('}')
	return buf.Bytes(), nil
}

// escapeComponent percent-encodes everything but RFC 3986 unreserved
// characters, with upper-case hex; a space becomes %20, never '+'.
func escapeComponent(s string) string {
	const hex = "0123456789ABCDEF"
	var sb strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if isUnreserved(c) {
			sb.WriteByte(c)
			continue
		}
		sb.WriteByte('%')
		sb.WriteByte(hex[c>>4])
		sb.WriteByte(hex[c&0xF])
	}
	return sb.String()
}

func isUnreserved(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
		c == '-' || c == '_' || c == '.' || c == '~'
}
