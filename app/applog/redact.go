package applog

import (
	"regexp"
	"strings"
)

// Mask stands in for every secret the redactor removes.
const Mask = "****"

// textRule replaces what re matches; group 1 (and 2 when present) is
// kept so the reader still sees which field was masked.
type textRule struct {
	re   *regexp.Regexp
	repl string
}

// textRules run in order: the PEM block first, so its base64 lines are
// gone before the key heuristics look at them.
var textRules = []textRule{
	// PEM private keys, whole block, or to the end when cut short.
	{regexp.MustCompile(`(?s)-----BEGIN ([A-Z0-9 ]*)PRIVATE KEY-----.*?(?:-----END [A-Z0-9 ]*PRIVATE KEY-----|\z)`),
		"-----BEGIN ${1}PRIVATE KEY----- " + Mask + " -----END ${1}PRIVATE KEY-----"},
	// A SAS token alone ("SharedAccessSignature sr=…&sig=…") or as the
	// connection-string field ("SharedAccessSignature=SharedAccessSignature sr=…").
	{regexp.MustCompile(`(?i)(SharedAccessSignature)(\s*=\s*SharedAccessSignature\s+|\s*=\s*|\s+)[^;\s"'<>]+`),
		"${1}${2}" + Mask},
	// The signature of a token seen without its prefix, plain or URL-escaped.
	{regexp.MustCompile(`(?i)\b(sig(?:=|%3D))[^&;\s"'<>]+`), "${1}" + Mask},
	// Command-line flags that carry a secret: --key K, --group-key=K, --connection-string CS.
	{regexp.MustCompile(`(?i)(--?[a-z-]*(?:key|token|password|secret|connection-string))([ \t]+|=)[^\s"']+`), "${1}${2}" + Mask},
	// name=value and name: value pairs (connection strings, %+v of
	// structs, JSON) whose name says secret. SharedAccessKeyName does not
	// end in "key" and so stays readable.
	{regexp.MustCompile(`(?i)\b([a-z_-]*(?:password|passwd|secret|token|key))("?[ \t]*[:=][ \t]*"?)[^\s"',;&}]+`), "${1}${2}" + Mask},
}

// base64Run finds base64 text (standard or URL alphabet, possibly
// URL-escaped) that ends in padding; keyLike decides whether it is a key.
var base64Run = regexp.MustCompile(`[A-Za-z0-9+/_%-]+(?:%3[Dd]|=)(?:%3[Dd]|=)?`)

// Redact masks the secrets in s: SAS tokens and signatures, connection
// string keys, secret-named fields and flags, PEM private keys, and
// anything shaped like a 32- or 64-byte base64 key (44 or 88 characters
// ending in '='; longer padded runs are masked too, as a key may hide in them).
func Redact(s string) string {
	if s == "" {
		return s
	}
	for _, r := range textRules {
		s = r.re.ReplaceAllString(s, r.repl)
	}
	return base64Run.ReplaceAllStringFunc(s, func(run string) string {
		if keyLike(run) {
			return Mask
		}
		return run
	})
}

// keyLike reports whether a padded base64 run ends in at least a
// 32-byte key's worth of base64 once URL escapes are undone. Only the
// part after the last '=' or stray '%' counts, so "x%3D<key>=" is caught.
func keyLike(run string) bool {
	plain := urlEscapes.Replace(run)
	body := strings.TrimRight(plain, "=")
	padding := len(plain) - len(body)
	tail := body[strings.LastIndexAny(body, "=%")+1:]
	return len(tail)+padding >= 44
}

// urlEscapes undoes the escapes a base64 key gets in a URL or a token.
var urlEscapes = strings.NewReplacer("%2B", "+", "%2b", "+", "%2F", "/", "%2f", "/", "%3D", "=", "%3d", "=")

// secretNames are parts of attribute names whose values are always
// masked, whatever they hold.
var secretNames = []string{"password", "passwd", "secret", "token", "key", "signature", "sas"}

// secretName reports whether an attribute called name holds a secret.
func secretName(name string) bool {
	n := strings.ToLower(name)
	for _, s := range secretNames {
		if strings.Contains(n, s) {
			return true
		}
	}
	return false
}
