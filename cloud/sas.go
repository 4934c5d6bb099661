package cloud

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// sasPrefix starts every SAS token that IoT Hub and DPS accept.
const sasPrefix = "SharedAccessSignature"

// SASToken is a parsed shared access signature.
type SASToken struct {
	Resource        string    // sr, URL-decoded: "myhub.azure-devices.net/devices/dev1"
	EncodedResource string    // sr exactly as it appears in the token, the string that was signed
	Signature       string    // sig exactly as it appears in the token (URL-encoded base64)
	Expiry          time.Time // se, in UTC
	KeyName         string    // skn, URL-decoded; empty for device and module keys
}

// SignSAS returns the URL-encoded signature of encodedResource and expiry
// (Unix seconds): base64 of HMAC-SHA256 over encodedResource + "\n" + expiry,
// keyed with the decoded key. encodedResource must be byte-for-byte the sr
// the token will carry, because that is what the hub signs again.
func SignSAS(key []byte, encodedResource string, expiry int64) string {
	return url.QueryEscape(base64.StdEncoding.EncodeToString(sasMAC(key, encodedResource, expiry)))
}

func sasMAC(key []byte, encodedResource string, expiry int64) []byte {
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(encodedResource + "\n" + strconv.FormatInt(expiry, 10)))
	return mac.Sum(nil)
}

// NewSASToken makes a token for resource (not URL-encoded, for example
// DeviceResource(host, id)) signed with the base64 key, valid until expiry.
// keyName is the shared access policy name ("skn"); leave it empty for a
// device or module key. The resource keeps its case: the hub compares the
// device id case-sensitively.
func NewSASToken(resource, key, keyName string, expiry time.Time) (string, error) {
	raw, err := DecodeKey("SharedAccessKey", key)
	if err != nil {
		return "", err
	}
	return newSASToken(resource, raw, keyName, expiry)
}

func newSASToken(resource string, key []byte, keyName string, expiry time.Time) (string, error) {
	if resource == "" {
		return "", fieldErr("resource", ReasonMissing)
	}
	t := SASToken{
		EncodedResource: url.QueryEscape(resource),
		Expiry:          time.Unix(expiry.Unix(), 0).UTC(),
		KeyName:         keyName,
	}
	t.Signature = SignSAS(key, t.EncodedResource, t.Expiry.Unix())
	return t.Encode(), nil
}

// Encode returns the token as IoT Hub expects it in a password or an
// Authorization header. It is a credential: never log it.
func (t SASToken) Encode() string {
	return t.format(t.Signature)
}

// String shows the token with its signature masked, so a token printed
// with %v in a log cannot be used.
func (t SASToken) String() string {
	return t.format("****")
}

func (t SASToken) format(sig string) string {
	var b strings.Builder
	b.WriteString(sasPrefix + " sr=" + t.EncodedResource + "&sig=" + sig)
	b.WriteString("&se=" + strconv.FormatInt(t.Expiry.Unix(), 10))
	if t.KeyName != "" {
		b.WriteString("&skn=" + url.QueryEscape(t.KeyName))
	}
	return b.String()
}

// ParseSASToken reads a token as people paste it: "SharedAccessSignature
// sr=…&sig=…&se=…[&skn=…]" with the fields in any order, optionally wrapped
// in braces or whitespace, or just the "sr=…&sig=…&se=…" part. Unknown
// fields are ignored, as the hub ignores them.
func ParseSASToken(s string) (SASToken, error) {
	body, err := sasBody(s)
	if err != nil {
		return SASToken{}, err
	}
	fields, err := sasFields(body)
	if err != nil {
		return SASToken{}, err
	}
	var t SASToken
	for _, name := range []string{"sr", "sig", "se"} {
		if _, ok := fields[name]; !ok {
			return SASToken{}, fieldErr(name, ReasonMissing)
		}
	}
	t.EncodedResource = fields["sr"]
	if t.Resource, err = url.QueryUnescape(t.EncodedResource); err != nil || t.Resource == "" {
		return SASToken{}, fieldErr("sr", ReasonNotURLEncoded)
	}
	t.Signature = fields["sig"]
	if _, err := decodeSignature(t.Signature); err != nil {
		return SASToken{}, fieldErr("sig", ReasonBadSignature)
	}
	se, err := parseExpirySeconds(fields["se"])
	if err != nil {
		return SASToken{}, err
	}
	t.Expiry = time.Unix(se, 0).UTC()
	if skn, ok := fields["skn"]; ok {
		if t.KeyName, err = url.QueryUnescape(skn); err != nil {
			return SASToken{}, fieldErr("skn", ReasonNotURLEncoded)
		}
	}
	return t, nil
}

// sasBody strips whitespace, braces and the "SharedAccessSignature" word.
func sasBody(s string) (string, error) {
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, "{") && strings.HasSuffix(s, "}") {
		s = strings.TrimSpace(s[1 : len(s)-1])
	}
	if len(s) > len(sasPrefix) && strings.EqualFold(s[:len(sasPrefix)], sasPrefix) {
		rest := s[len(sasPrefix):]
		trimmed := strings.TrimLeft(rest, " \t\r\n")
		if len(trimmed) == len(rest) {
			return "", fieldErr("SharedAccessSignature", ReasonNotToken)
		}
		s = trimmed
	}
	if s == "" || strings.ContainsAny(s, " \t\r\n") {
		return "", fieldErr("SharedAccessSignature", ReasonNotToken)
	}
	return s, nil
}

// sasFields splits "a=1&b=2" into a map, refusing duplicates and parts
// without '='.
func sasFields(body string) (map[string]string, error) {
	fields := make(map[string]string)
	for _, part := range strings.Split(body, "&") {
		if part == "" {
			continue
		}
		name, value, ok := strings.Cut(part, "=")
		if !ok || name == "" {
			return nil, fieldErr("SharedAccessSignature", ReasonNotToken)
		}
		name = strings.ToLower(name)
		if _, dup := fields[name]; dup {
			return nil, fieldErr(name, ReasonDuplicate)
		}
		fields[name] = value
	}
	return fields, nil
}

// lastExpiry is 9999-12-31T23:59:59Z, the last second a hub (whose
// clock type ends there) or an RFC 3339 time can express.
const lastExpiry = 253402300799

// parseExpirySeconds reads a token's se: decimal Unix seconds, positive,
// and no later than lastExpiry. A larger number, even one past int64, is
// reported as too late rather than as a date no calendar has.
func parseExpirySeconds(s string) (int64, error) {
	if !isDecimal(s) {
		return 0, fieldErr("se", ReasonNotUnixTime)
	}
	se, err := strconv.ParseInt(s, 10, 64)
	switch {
	case errors.Is(err, strconv.ErrRange), err == nil && se > lastExpiry:
		return 0, fieldErr("se", ReasonAfterYear9999)
	case err != nil || se <= 0:
		return 0, fieldErr("se", ReasonNotUnixTime)
	}
	return se, nil
}

func isDecimal(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

func decodeSignature(sig string) ([]byte, error) {
	unescaped, err := url.QueryUnescape(sig)
	if err != nil {
		return nil, err
	}
	return base64.StdEncoding.DecodeString(unescaped)
}

// Verify reports whether the token was signed with key (base64). The
// error is only about the key; a wrong signature is (false, nil).
func (t SASToken) Verify(key string) (bool, error) {
	raw, err := DecodeKey("SharedAccessKey", key)
	if err != nil {
		return false, err
	}
	got, err := decodeSignature(t.Signature)
	if err != nil {
		return false, nil
	}
	return hmac.Equal(got, sasMAC(raw, t.EncodedResource, t.Expiry.Unix())), nil
}

// ExpiredAt reports whether the hub refuses the token at now. The hub
// allows a few minutes of clock skew, but a client must not count on it.
func (t SASToken) ExpiredAt(now time.Time) bool {
	return !now.Before(t.Expiry)
}

// DeviceResource is the SAS resource of a device identity.
func DeviceResource(host, deviceID string) string {
	return host + "/devices/" + deviceID
}

// ModuleResource is the SAS resource of a module identity.
func ModuleResource(host, deviceID, moduleID string) string {
	return DeviceResource(host, deviceID) + "/modules/" + moduleID
}

// DPSResource is the SAS resource a device registers with at DPS.
func DPSResource(idScope, registrationID string) string {
	return idScope + "/registrations/" + registrationID
}
