package cloud

import (
	"bytes"
	"testing"
)

func TestDecodeKey(t *testing.T) {
	tests := []struct {
		name, in string
		want     []byte
		reason   string
	}{
		{"padded", "c2VjcmV0", []byte("secret"), ""},
		{"padded with =", "cGFzc3dvcmQ=", []byte("password"), ""},
		{"unpadded", "cGFzc3dvcmQ", []byte("password"), ""},
		{"surrounding whitespace", " \tcGFzc3dvcmQ=\r\n", []byte("password"), ""},
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
