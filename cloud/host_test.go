package cloud

import (
	"strings"
	"testing"
	"time"
)

func TestValidateHostName(t *testing.T) {
	tests := []struct {
		name, in, reason string
	}{
		{"hub", "myhub.azure-devices.net", ""},
		{"upper case", "MyHub.Azure-Devices.NET", ""},
		{"local", "localhost", ""},
		{"one letter", "h", ""},
		{"IPv4", "127.0.0.1", ""},
		{"63-character label", strings.Repeat("a", 63) + ".net", ""},
		{"empty", "", ReasonMissing},
		{"with port", "myhub.azure-devices.net:8883", ReasonHostPort},
		{"IPv6", "::1", ReasonHostPort},
		{"bracketed IPv6 with port", "[::1]:8883", ReasonHostPort},
		{"not UTF-8", "hub\xff.net", ReasonBadHostName},
		{"non-ASCII letter", "hüb.net", ReasonBadHostName},
		{"path", "hub.net/devices", ReasonBadHostName},
		{"space", "my hub.net", ReasonBadHostName},
		{"underscore", "my_hub.net", ReasonBadHostName},
		{"at sign", "user@hub.net", ReasonBadHostName},
		{"empty label", "hub..net", ReasonBadHostName},
		{"leading dot", ".hub.net", ReasonBadHostName},
		{"trailing dot", "hub.net.", ReasonBadHostName},
		{"leading hyphen", "-hub.net", ReasonBadHostName},
		{"trailing hyphen", "hub-.net", ReasonBadHostName},
		{"64-character label", strings.Repeat("a", 64) + ".net", ReasonBadHostName},
		{"longer than 253", strings.Repeat("abcdefghi.", 26) + "net", ReasonBadHostName},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := ValidateHostName("HostName", tc.in)
			if tc.reason == "" {
				if err != nil {
					t.Fatalf("ValidateHostName(%q) = %v", tc.in, err)
				}
				return
			}
			assertFieldError(t, err, "HostName", tc.reason)
		})
	}
}

// Every way a host reaches a token or a connection goes through the check.
func TestHostNameCheckedEverywhere(t *testing.T) {
	const key = "c2VjcmV0LWRldmljZS1rZXktMDEyMzQ1Njc4OWFiY2Q="
	later := time.Now().Add(time.Hour)
	_, err := ParseConnectionString("HostName=hub.net:8883;DeviceId=d;SharedAccessKey=" + key)
	assertFieldError(t, err, "HostName", ReasonHostPort)
	_, err = ParseConnectionString("HostName=hub\xfe.net;DeviceId=d;SharedAccessKey=" + key)
	assertFieldError(t, err, "HostName", ReasonBadHostName)
	_, err = DeviceMQTTCredentials(DeviceIdentity{Host: "hub.net:443", DeviceID: "d", Key: key}, later, false)
	assertFieldError(t, err, "HostName", ReasonHostPort)
	_, err = DeviceMQTTCredentials(DeviceIdentity{Host: "hub\x00.net", DeviceID: "d", Key: key}, later, false)
	assertFieldError(t, err, "HostName", ReasonBadHostName)
}
