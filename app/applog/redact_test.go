package applog

import (
	"strings"
	"testing"
)

// Known shapes: a 32-byte key (44 characters) and a 64-byte key (88).
const (
	key32 = "q6XfcKnvCm+Tb0Cz8MGcYhYxzCXhVuHqTk3+n9tF1Ko="
	key64 = "y8Q5uXK0iW3u2BQ9Wf0o5o0e0p0U8B4d3p0tYk9a2K1Zl7c0u0m2h3b4N5v6C7x8z9A0s1D2f3G4h5J6k7L8mA=="
	sig   = "kzJ1i2Ty3P4lS%2BQ%2Fr7uVw8x9y0A1b2C3d4E5f6G7h8I%3D"
)

func TestRedactMasksSecrets(t *testing.T) {
	tests := []struct {
		name   string
		in     string
		secret string // must be gone
		keep   string // must stay, so the line is still useful
	}{
		{"SAS token", "connect with SharedAccessSignature sr=hub.azure-devices.net%2Fdevices%2Fd1&sig=" + sig + "&se=1700000000 now",
			"sig=" + sig, "connect with SharedAccessSignature " + Mask + " now"},
		{"token field in a connection string", "HostName=h;DeviceId=d1;SharedAccessSignature=SharedAccessSignature sr=h%2Fdevices%2Fd1&sig=" + sig + "&se=1",
			sig, "HostName=h;DeviceId=d1;SharedAccessSignature="},
		{"signature alone", "query ?se=1&sig=" + sig + "&skn=registration", sig, "&skn=registration"},
		{"connection string key", "HostName=h.azure-devices.net;DeviceId=d1;SharedAccessKey=" + key32,
			key32, "HostName=h.azure-devices.net;DeviceId=d1;SharedAccessKey=" + Mask},
		{"policy connection string keeps the policy name", "HostName=h;SharedAccessKeyName=iothubowner;SharedAccessKey=" + key32,
			key32, "SharedAccessKeyName=iothubowner"},
		{"bare 32-byte key", "derived " + key32 + " for d1", key32, "derived " + Mask + " for d1"},
		{"bare 64-byte key", "group key " + key64, key64, "group key"},
		{"URL-escaped key", "k=" + strings.NewReplacer("+", "%2B", "/", "%2F", "=", "%3D").Replace(key32), "Tk3", "k="},
		{"key behind an escaped equals sign", "x%3D" + key32, key32, ""},
		{"password pair", "mqtt user=h/d1 password=hunter2-long", "hunter2-long", "user=h/d1 password=" + Mask},
		{"JSON field", `{"primaryKey":"abc123secret","deviceId":"d1"}`, "abc123secret", `"deviceId":"d1"`},
		{"struct printed with %+v", "{Host:h DeviceID:d1 Key:abcdefgh Token:}", "abcdefgh", "DeviceID:d1"},
		{"flag", "qpyhub sas --device d1 --key s3cr3tvalue --ttl 1d", "s3cr3tvalue", "--device d1 --key " + Mask + " --ttl 1d"},
		{"flag with equals", "--group-key=s3cr3tvalue", "s3cr3tvalue", "--group-key=" + Mask},
		{"connection string flag", "--connection-string HostName=h;DeviceId=d;SharedAccessKey=zz", "SharedAccessKey=zz", "--connection-string " + Mask},
		{"PEM private key", "key:\n-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIBkg4LVWM9nuwNSk3yByxZpYRTBnVJk5oC1K+8d6c7N0oAoGCCqGSM49\n-----END EC PRIVATE KEY-----\ndone",
			"MHcCAQEEIBkg", "-----BEGIN EC PRIVATE KEY----- " + Mask},
		{"PEM cut short", "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC", "MIIEvQIBAD", "BEGIN PRIVATE KEY"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := Redact(tc.in)
			if strings.Contains(got, tc.secret) {
				t.Errorf("Redact(%q) = %q, still holds %q", tc.in, got, tc.secret)
			}
			if !strings.Contains(got, tc.keep) {
				t.Errorf("Redact(%q) = %q, lost %q", tc.in, got, tc.keep)
			}
		})
	}
}

func TestRedactLeavesOrdinaryTextAlone(t *testing.T) {
	for _, in := range []string{
		"",
		"hub connection state=connected addr=127.0.0.1:8883",
		"device d1 sent 42 bytes to devices/d1/messages/events/",
		"SharedAccessKeyName=iothubowner",
		"keepalive=120 api-version=2021-04-12",
		"short base64 aGVsbG8=",                           // 5 bytes: not a key
		"IMEI 864430010001234 ICCID 89860012345678901234", // numbers a technician needs
		"token expired, closing connection",
	} {
		if got := Redact(in); got != in {
			t.Errorf("Redact(%q) = %q, want it unchanged", in, got)
		}
	}
}

func TestSecretName(t *testing.T) {
	for name, want := range map[string]bool{
		"password": true, "Password": true, "deviceKey": true, "key": true, "sasToken": true,
		"client_secret": true, "signature": true, "sas": true,
		"device": false, "addr": false, "state": false, "reason": false, "client": false, "err": false,
	} {
		if got := secretName(name); got != want {
			t.Errorf("secretName(%q) = %v, want %v", name, got, want)
		}
	}
}
