package cloud

import "strings"

// DNS limits (RFC 1035): a name of at most 253 characters in labels of
// 1 to 63.
const (
	maxHostLen  = 253
	maxLabelLen = 63
)

// ValidateHostName checks a hub or DPS host name before it goes into a
// token, a username or a dial address: a DNS name of letters, digits and
// hyphens (an IPv4 address passes too). A ':' gets its own reason: it is
// almost always a port pasted along, and the port is not part of the
// name the token signs.
func ValidateHostName(field, host string) error {
	if host == "" {
		return fieldErr(field, ReasonMissing)
	}
	if strings.ContainsRune(host, ':') {
		return fieldErr(field, ReasonHostPort)
	}
	if len(host) > maxHostLen {
		return fieldErr(field, ReasonBadHostName)
	}
	for _, label := range strings.Split(host, ".") {
		if !isHostLabel(label) {
			return fieldErr(field, ReasonBadHostName)
		}
	}
	return nil
}

// isHostLabel reports whether s is one DNS label: 1 to 63 ASCII letters,
// digits and hyphens, not starting or ending with a hyphen. Bytes are
// checked one by one, so text that is not UTF-8 fails too.
func isHostLabel(s string) bool {
	if s == "" || len(s) > maxLabelLen || s[0] == '-' || s[len(s)-1] == '-' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}
