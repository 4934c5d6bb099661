package hubsim

import (
	"fmt"
	"unicode"
)

// twinSize is a twin section's size as IoT Hub counts it: every key and
// every value, strings in characters without the control characters,
// numbers as 8 bytes, booleans as 4, objects as the sum of what they
// hold. The "$version" and "$metadata" a document carries are not kept in
// the stored sections, so they do not count.
func twinSize(props map[string]any) int {
	n := 0
	for k, v := range props {
		n += textSize(k) + valueSize(v)
	}
	return n
}

func valueSize(v any) int {
	switch v := v.(type) {
	case string:
		return textSize(v)
	case bool:
		return 4
	case float64:
		return 8
	case map[string]any:
		return twinSize(v)
	case []any:
		n := 0
		for _, e := range v {
			n += valueSize(e)
		}
		return n
	}
	return 0 // null
}

func textSize(s string) int {
	n := 0
	for _, r := range s {
		if !unicode.IsControl(r) { // C0 and C1
			n++
		}
	}
	return n
}

// patched returns props with patch merged in, leaving props unchanged, or
// an error when the result would pass limit and grow: IoT Hub refuses
// every operation that would make a section larger than its limit.
func patched(section string, props, patch map[string]any, limit int) (map[string]any, error) {
	next := deepCopy(props)
	mergePatch(next, patch)
	after := twinSize(next)
	if after > limit && after > twinSize(props) {
		return nil, errBadRequest(fmt.Sprintf("the %s would grow to %d bytes, over IoT Hub's limit of %d; send less or delete properties with null", section, after, limit))
	}
	return next, nil
}

func deepCopy(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		if sub, ok := v.(map[string]any); ok {
			v = deepCopy(sub)
		}
		out[k] = v
	}
	return out
}
