package cloud

import (
	"strings"
	"testing"
)

func TestDeriveDeviceKey(t *testing.T) {
	tests := []struct {
		name, groupKey, regID string
		want                  string
		field, reason         string
	}{
		{name: "PROTOCOLS known answer",
			groupKey: "8isrFI1sGsIlvvFSSFRiMfCNzv21fjbE/+ah/lSh3lF8e2YG1Te7w1KpZhJFFXJrqYKi9yegxkqIChbqOS9Egw==",
			regID:    "sn-007-888-abc-mac-a1-b2-c3-d4-e5-f6", want: "Jsm0lyGpjaVYVP2g3FnmnmG9dI/9qU24wNoykUmermc="},
		{name: "missing registration id", groupKey: "c2VjcmV0LWRldmljZS1rZXktMDEyMzQ1Njc4OWFiY2Q=", field: "registration id", reason: ReasonMissing},
		{name: "slash in registration id", groupKey: "c2VjcmV0LWRldmljZS1rZXktMDEyMzQ1Njc4OWFiY2Q=", regID: "a/b", field: "registration id", reason: ReasonBadIDChars},
		{name: "long registration id", groupKey: "c2VjcmV0LWRldmljZS1rZXktMDEyMzQ1Njc4OWFiY2Q=", regID: strings.Repeat("a", 129), field: "registration id", reason: ReasonIDTooLong},
		{name: "bad group key", groupKey: "%%%", regID: "dev1", field: "group key", reason: ReasonNotBase64},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := DeriveDeviceKey(tc.groupKey, tc.regID)
			if tc.reason != "" {
				assertFieldError(t, err, tc.field, tc.reason)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestValidateDeviceID(t *testing.T) {
	tests := []struct {
		id     string
		reason string
	}{
		{"Dev-1.a_b:c", ""},
		{"odd%*?!(),=@$'", ""},
		{strings.Repeat("x", 128), ""},
		{strings.Repeat("x", 129), ReasonIDTooLong},
		{"", ReasonMissing},
		{"dev/1", ReasonBadIDChars},
		{"dev 1", ReasonBadIDChars},
		{"dév", ReasonBadIDChars},
		{"dev#1", ReasonBadIDChars},
	}
	for _, tc := range tests {
		err := ValidateDeviceID("DeviceId", tc.id)
		if tc.reason == "" {
			if err != nil {
				t.Errorf("ValidateDeviceID(%q) = %v", tc.id, err)
			}
			continue
		}
		assertFieldError(t, err, "DeviceId", tc.reason)
	}
}
