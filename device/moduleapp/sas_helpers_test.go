package moduleapp

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"net/url"
	"strconv"
	"strings"
	"testing"
)

// signature is the SAS signature worked out here, independently of the
// module, from PROTOCOLS.md §1.
func signature(t *testing.T, keyB64, sr string, se int64) string {
	t.Helper()
	key, err := base64.StdEncoding.DecodeString(keyB64)
	if err != nil {
		key, err = base64.RawStdEncoding.DecodeString(strings.TrimRight(keyB64, "="))
	}
	if err != nil {
		t.Fatalf("test key %q: %v", keyB64, err)
	}
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(sr + "\n" + strconv.FormatInt(se, 10)))
	return url.QueryEscape(base64.StdEncoding.EncodeToString(mac.Sum(nil)))
}

// tokenFields splits "SharedAccessSignature a=1&b=2".
func tokenFields(t *testing.T, token string) map[string]string {
	t.Helper()
	body, ok := strings.CutPrefix(token, "SharedAccessSignature ")
	if !ok {
		t.Fatalf("not a SAS token: %q", token)
	}
	out := map[string]string{}
	for _, part := range strings.Split(body, "&") {
		name, value, _ := strings.Cut(part, "=")
		if _, dup := out[name]; dup {
			t.Fatalf("field %s twice in %q", name, token)
		}
		out[name] = value
	}
	return out
}

// checkSAS fails unless token is a SAS for resource, signed with key,
// expiring at se, with policy name skn ("" for none).
func checkSAS(t *testing.T, token, keyB64, resource string, se int64, skn string) {
	t.Helper()
	f := tokenFields(t, token)
	sr := url.QueryEscape(resource)
	want := map[string]string{"sr": sr, "se": strconv.FormatInt(se, 10), "sig": signature(t, keyB64, sr, se)}
	if skn != "" {
		want["skn"] = skn
	}
	if len(f) != len(want) {
		t.Errorf("token fields %v, want %v", keys(f), keys(want))
	}
	for k, v := range want {
		if f[k] != v {
			t.Errorf("token %s = %q, want %q", k, f[k], v)
		}
	}
}

func keys(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
