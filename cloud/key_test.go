package cloud

import (
	"bytes"
	"encoding/base64"
	"strings"
	"testing"
)

func TestDecodeKey(t *testing.T) {
	tests := []struct {
		name, in string
		want     []byte
		reason   string
	}{
		{"padded", "c2VjcmV0LWRldmljZS1rZXktMDEyMzQ1Njc4OWFi", []byte("secret-device-key-0123456789ab"), ""},
		{"padded with =", "c2VjcmV0LWRldmljZS1rZXktMDEyMzQ1Njc4OWFiY2Q=", []byte("secret-device-key-0123456789abcd"), ""},
		{"unpadded", "c2VjcmV0LWRldmljZS1rZXktMDEyMzQ1Njc4OWFiY2Q", []byte("secret-device-key-0123456789abcd"), ""},
		{"surrounding whitespace", " \tc2VjcmV0LWRldmljZS1rZXktMDEyMzQ1Njc4OWFiY2Q=\r\n", []byte("secret-device-key-0123456789abcd"), ""},
		{"empty", "", nil, ReasonMissing},
		{"blank", "   ", nil, ReasonMissing},
		{"not base64", "pass word!", nil, ReasonNotBase64},
		{"url alphabet", "c2Vj-_mV0", nil, ReasonNotBase64},
		{"only padding", "====", nil, ReasonNotBase64},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := DecodeKey("group key", tc.in)
			if tc.reason != "" {
				assertFieldError(t, err, "group key", tc.reason)
				return
			}
			if err != nil {
				t.Fatalf("DecodeKey: %v", err)
			}
			if !bytes.Equal(got, tc.want) {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestFieldErrorAdvice(t *testing.T) {
	tests := []struct {
		reason     string
		wantAdvice bool
	}{
		{ReasonNotBase64, true},
		{ReasonPolicyString, true},
		{ReasonInPast, true},
		{ReasonDuplicate, false},
	}
	for _, tc := range tests {
		got := (&FieldError{Field: "x", Reason: tc.reason}).Advice()
		if (got != "") != tc.wantAdvice {
			t.Errorf("Advice for %q = %q", tc.reason, got)
		}
	}
}

func TestReasonsAreDistinct(t *testing.T) {
	seen := make(map[string]bool)
	for _, r := range Reasons() {
		if r == "" || seen[r] {
			t.Errorf("reason %q is empty or listed twice", r)
		}
		seen[r] = true
	}
}

// Azure takes symmetric keys of 16 to 64 bytes (DPS "Symmetric key
// attestation"; the hub's own keys are 32 or 64 bytes). Anything else is a
// paste gone wrong and must be refused by name, not signed with.
func TestDecodeKeyLength(t *testing.T) {
	key := func(n int) string { return base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{0xA5}, n)) }
	tests := []struct {
		name, in string
		ok       bool
	}{
		{"1 byte", key(1), false},
		{"15 bytes", key(15), false},
		{"16 bytes", key(16), true},
		{"32 bytes", key(32), true},
		{"64 bytes", key(64), true},
		{"64 bytes unpadded", strings.TrimRight(key(64), "="), true},
		{"65 bytes", key(65), false},
		{"128 KiB", key(128 << 10), false},
		{"128 KiB of letters", strings.Repeat("A", 128<<10), false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := DecodeKey("SharedAccessKey", tc.in)
			if tc.ok {
				if err != nil || len(got) < MinKeyBytes || len(got) > MaxKeyBytes {
					t.Fatalf("DecodeKey = %d bytes, %v", len(got), err)
				}
				return
			}
			assertFieldError(t, err, "SharedAccessKey", ReasonKeyLength)
			if msg := err.Error(); len(msg) > 200 || strings.Contains(msg, tc.in[:min(len(tc.in), 8)]) {
				t.Errorf("error %q shows the key", msg)
			}
		})
	}
}
