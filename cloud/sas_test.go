package cloud

import (
	"encoding/base64"
	"errors"
	"strings"
	"testing"
	"time"
)

// Known answers from PROTOCOLS.md §1.
func TestSignSASKnownAnswers(t *testing.T) {
	tests := []struct {
		name, key, sr string
		se            int64
		want          string
	}{
		{"microsoft docs device", "18RQk/hOPJR9EbsJlk2j8WA6vWaj/yi+oaYg7zmxfQNdOyMSu+SJ8O7TSlZhDJCYmn4rzEiVKIzNiVAWjLxrGA==",
			"MyExampleHub.azure-devices.net%2Fdevices%2Fmy-symkey-device", 1663119026, "f%2BwW8XOKeJOtiPc9Iwjc4OpExvPM7NlhM9qxN2a1aAM%3D"},
		{"sdk uri", "cGFzc3dvcmQ=", "uri", 12345, "kcWxXAK2OAaAoq2oCkaGzX2NMqDB8nCyNuq2fPYCDhk%3D"},
		{"sdk policy", "c2VjcmV0", "test.azure-devices.net", 1546308061, "uux4PSAK1s9efNcBHin0pm7O5oENedTWkhqGp8JAyFY%3D"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			// The SDK vectors use keys shorter than Azure issues, so the
			// signer is fed the decoded bytes directly.
			key, err := base64.StdEncoding.DecodeString(tc.key)
			if err != nil {
				t.Fatalf("decode: %v", err)
			}
			if got := SignSAS(key, tc.sr, tc.se); got != tc.want {
				t.Errorf("SignSAS = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestNewSASTokenKnownAnswers(t *testing.T) {
	tests := []struct {
		name, resource, key, skn string
		se                       int64
		want                     string
	}{
		{"device", "MyExampleHub.azure-devices.net/devices/my-symkey-device",
			"18RQk/hOPJR9EbsJlk2j8WA6vWaj/yi+oaYg7zmxfQNdOyMSu+SJ8O7TSlZhDJCYmn4rzEiVKIzNiVAWjLxrGA==", "", 1663119026,
			"SharedAccessSignature sr=MyExampleHub.azure-devices.net%2Fdevices%2Fmy-symkey-device&sig=f%2BwW8XOKeJOtiPc9Iwjc4OpExvPM7NlhM9qxN2a1aAM%3D&se=1663119026"},
		{"unpadded key", "MyExampleHub.azure-devices.net/devices/my-symkey-device",
			"18RQk/hOPJR9EbsJlk2j8WA6vWaj/yi+oaYg7zmxfQNdOyMSu+SJ8O7TSlZhDJCYmn4rzEiVKIzNiVAWjLxrGA", "", 1663119026,
			"SharedAccessSignature sr=MyExampleHub.azure-devices.net%2Fdevices%2Fmy-symkey-device&sig=f%2BwW8XOKeJOtiPc9Iwjc4OpExvPM7NlhM9qxN2a1aAM%3D&se=1663119026"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := NewSASToken(tc.resource, tc.key, tc.skn, time.Unix(tc.se, 0))
			if err != nil {
				t.Fatalf("NewSASToken: %v", err)
			}
			if got != tc.want {
				t.Errorf("token\n got %q\nwant %q", got, tc.want)
			}
		})
	}
	// The SDK vectors' keys are too short for NewSASToken; the token
	// layout (skn last, URL-encoded) is checked on them with the bytes.
	sdk := []struct {
		resource, key, skn string
		se                 int64
		want               string
	}{
		{"uri", "password", "", 12345,
			"SharedAccessSignature sr=uri&sig=kcWxXAK2OAaAoq2oCkaGzX2NMqDB8nCyNuq2fPYCDhk%3D&se=12345"},
		{"test.azure-devices.net", "secret", "owner", 1546308061,
			"SharedAccessSignature sr=test.azure-devices.net&sig=uux4PSAK1s9efNcBHin0pm7O5oENedTWkhqGp8JAyFY%3D&se=1546308061&skn=owner"},
	}
	for _, tc := range sdk {
		got, err := newSASToken(tc.resource, []byte(tc.key), tc.skn, time.Unix(tc.se, 0))
		if err != nil || got != tc.want {
			t.Errorf("token for %s\n got %q, %v\nwant %q", tc.resource, got, err, tc.want)
		}
	}
}

func TestNewSASTokenKeepsCase(t *testing.T) {
	tok, err := NewSASToken(DeviceResource("Hub.azure-devices.net", "Dev-ABC"), "c2VjcmV0LWRldmljZS1rZXktMDEyMzQ1Njc4OWFiY2Q=", "", time.Unix(2000000000, 0))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(tok, "sr=Hub.azure-devices.net%2Fdevices%2FDev-ABC&") {
		t.Errorf("resource not kept verbatim with upper-case escapes: %s", tok)
	}
}

func TestNewSASTokenErrors(t *testing.T) {
	tests := []struct {
		name, resource, key string
		field, reason       string
	}{
		{"bad key", "uri", "not base64!", "SharedAccessKey", ReasonNotBase64},
		{"empty key", "uri", "  ", "SharedAccessKey", ReasonMissing},
		{"short key", "uri", "c2VjcmV0", "SharedAccessKey", ReasonKeyLength},
		{"empty resource", "", "c2VjcmV0LWRldmljZS1rZXktMDEyMzQ1Njc4OWFiY2Q=", "resource", ReasonMissing},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewSASToken(tc.resource, tc.key, "", time.Unix(12345, 0))
			assertFieldError(t, err, tc.field, tc.reason)
			if strings.TrimSpace(tc.key) != "" && strings.Contains(err.Error(), tc.key) {
				t.Errorf("error %q shows the key", err)
			}
		})
	}
}

func TestParseSASTokenForms(t *testing.T) {
	const sig = "kcWxXAK2OAaAoq2oCkaGzX2NMqDB8nCyNuq2fPYCDhk%3D"
	tests := []struct {
		name, in string
		skn      string
	}{
		{"canonical", "SharedAccessSignature sr=uri&sig=" + sig + "&se=12345", ""},
		{"field order", "SharedAccessSignature se=12345&sig=" + sig + "&sr=uri", ""},
		{"braces", "{SharedAccessSignature sr=uri&sig=" + sig + "&se=12345}", ""},
		{"whitespace and newlines", "\n  SharedAccessSignature  sr=uri&sig=" + sig + "&se=12345 \r\n", ""},
		{"bare", "sr=uri&sig=" + sig + "&se=12345", ""},
		{"bare in braces", "{ sr=uri&sig=" + sig + "&se=12345 }", ""},
		{"skn", "SharedAccessSignature sr=uri&sig=" + sig + "&se=12345&skn=registration", "registration"},
		{"unknown field ignored", "SharedAccessSignature sr=uri&sig=" + sig + "&se=12345&foo=bar", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tok, err := ParseSASToken(tc.in)
			if err != nil {
				t.Fatalf("ParseSASToken: %v", err)
			}
			want := SASToken{Resource: "uri", EncodedResource: "uri", Signature: sig, Expiry: time.Unix(12345, 0).UTC(), KeyName: tc.skn}
			if tok != want {
				t.Errorf("got %+v, want %+v", tok, want)
			}
			if got := SignSAS([]byte("password"), tok.EncodedResource, tok.Expiry.Unix()); got != sig {
				t.Errorf("signature of the parsed token = %q, want %q", got, sig)
			}
		})
	}
}

func TestParseSASTokenErrors(t *testing.T) {
	const sig = "kcWxXAK2OAaAoq2oCkaGzX2NMqDB8nCyNuq2fPYCDhk%3D"
	tests := []struct {
		name, in      string
		field, reason string
	}{
		{"empty", "", "SharedAccessSignature", ReasonNotToken},
		{"only prefix", "SharedAccessSignature", "SharedAccessSignature", ReasonNotToken},
		{"prefix glued", "SharedAccessSignaturesr=uri&sig=" + sig + "&se=1", "SharedAccessSignature", ReasonNotToken},
		{"missing sr", "SharedAccessSignature sig=" + sig + "&se=1", "sr", ReasonMissing},
		{"missing sig", "SharedAccessSignature sr=uri&se=1", "sig", ReasonMissing},
		{"missing se", "SharedAccessSignature sr=uri&sig=" + sig, "se", ReasonMissing},
		{"se not a number", "sr=uri&sig=" + sig + "&se=tomorrow", "se", ReasonNotUnixTime},
		{"se signed", "sr=uri&sig=" + sig + "&se=+5", "se", ReasonNotUnixTime},
		{"se negative", "sr=uri&sig=" + sig + "&se=-5", "se", ReasonNotUnixTime},
		{"se overflow", "sr=uri&sig=" + sig + "&se=99999999999999999999", "se", ReasonAfterYear9999},
		{"se zero", "sr=uri&sig=" + sig + "&se=0", "se", ReasonNotUnixTime},
		{"duplicate sr", "sr=uri&sr=other&sig=" + sig + "&se=1", "sr", ReasonDuplicate},
		{"duplicate se", "sr=uri&sig=" + sig + "&se=1&se=2", "se", ReasonDuplicate},
		{"bad escape in sr", "sr=a%zz&sig=" + sig + "&se=1", "sr", ReasonNotURLEncoded},
		{"sig not base64", "sr=uri&sig=not*base64&se=1", "sig", ReasonBadSignature},
		{"part without equals", "sr=uri&sig=" + sig + "&se", "SharedAccessSignature", ReasonNotToken},
		{"space inside", "SharedAccessSignature sr=uri &sig=" + sig + "&se=1", "SharedAccessSignature", ReasonNotToken},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseSASToken(tc.in)
			assertFieldError(t, err, tc.field, tc.reason)
		})
	}
}

func TestSASRoundTripAndTamper(t *testing.T) {
	const key = "18RQk/hOPJR9EbsJlk2j8WA6vWaj/yi+oaYg7zmxfQNdOyMSu+SJ8O7TSlZhDJCYmn4rzEiVKIzNiVAWjLxrGA=="
	resource := ModuleResource("MyHub.azure-devices.net", "Dev 1+é", "mod/x")
	expiry := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	s, err := NewSASToken(resource, key, "device", expiry)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := ParseSASToken(s)
	if err != nil {
		t.Fatal(err)
	}
	if tok.Resource != resource || !tok.Expiry.Equal(expiry) || tok.KeyName != "device" || tok.Encode() != s {
		t.Fatalf("round trip lost data: %+v", tok)
	}
	tests := []struct {
		name   string
		mutate func(*SASToken)
		key    string
		want   bool
	}{
		{"untouched", func(*SASToken) {}, key, true},
		{"other key", func(*SASToken) {}, "c2VjcmV0LWRldmljZS1rZXktMDEyMzQ1Njc4OWFiY2Q=", false},
		{"later expiry", func(t *SASToken) { t.Expiry = t.Expiry.Add(time.Second) }, key, false},
		{"other resource", func(t *SASToken) { t.EncodedResource = strings.Replace(t.EncodedResource, "Dev", "dev", 1) }, key, false},
		{"flipped signature", func(t *SASToken) { t.Signature = "A" + t.Signature[1:] }, key, false},
		{"lower-case escapes in sig", func(t *SASToken) { t.Signature = strings.ReplaceAll(t.Signature, "%3D", "%3d") }, key, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tt := tok
			tc.mutate(&tt)
			reparsed, err := ParseSASToken(tt.Encode())
			if err != nil {
				t.Fatalf("reparse: %v", err)
			}
			ok, err := reparsed.Verify(tc.key)
			if err != nil {
				t.Fatal(err)
			}
			if ok != tc.want {
				t.Errorf("Verify = %v, want %v", ok, tc.want)
			}
		})
	}
	if _, err := tok.Verify("***"); err == nil {
		t.Error("Verify with a non-base64 key gave no error")
	}
}

func TestSASTokenExpiredAt(t *testing.T) {
	tok := SASToken{Expiry: time.Unix(1000, 0).UTC()}
	tests := []struct {
		now  int64
		want bool
	}{{999, false}, {1000, true}, {1001, true}}
	for _, tc := range tests {
		if got := tok.ExpiredAt(time.Unix(tc.now, 0)); got != tc.want {
			t.Errorf("ExpiredAt(%d) = %v, want %v", tc.now, got, tc.want)
		}
	}
}

func TestResourceBuilders(t *testing.T) {
	tests := []struct{ got, want string }{
		{DeviceResource("h.azure-devices.net", "Dev1"), "h.azure-devices.net/devices/Dev1"},
		{ModuleResource("h.azure-devices.net", "Dev1", "m"), "h.azure-devices.net/devices/Dev1/modules/m"},
		{DPSResource("0ne00000001", "reg-1"), "0ne00000001/registrations/reg-1"},
	}
	for _, tc := range tests {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}

// assertFieldError fails unless err is a *FieldError with field and reason.
func assertFieldError(t *testing.T, err error, field, reason string) {
	t.Helper()
	var fe *FieldError
	if !errors.As(err, &fe) {
		t.Fatalf("error = %v, want a *FieldError", err)
	}
	if fe.Field != field || fe.Reason != reason {
		t.Fatalf("error = {%q %q}, want {%q %q}", fe.Field, fe.Reason, field, reason)
	}
	if fe.Error() != field+" "+reason {
		t.Fatalf("Error() = %q", fe.Error())
	}
}
