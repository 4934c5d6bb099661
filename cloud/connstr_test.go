package cloud

import (
	"reflect"
	"strings"
	"testing"
)

const testKey = "18RQk/hOPJR9EbsJlk2j8WA6vWaj/yi+oaYg7zmxfQNdOyMSu+SJ8O7TSlZhDJCYmn4rzEiVKIzNiVAWjLxrGA=="

func TestParseConnectionString(t *testing.T) {
	tests := []struct {
		name, in string
		want     ConnectionString
		device   bool
	}{
		{"device", "HostName=h.azure-devices.net;DeviceId=Dev1;SharedAccessKey=" + testKey,
			ConnectionString{HostName: "h.azure-devices.net", DeviceID: "Dev1", SharedAccessKey: testKey}, true},
		{"module with gateway", "HostName=h;DeviceId=d;ModuleId=m;SharedAccessKey=c2VjcmV0LWRldmljZS1rZXktMDEyMzQ1Njc4OWFiY2Q=;GatewayHostName=edge.local",
			ConnectionString{HostName: "h", DeviceID: "d", ModuleID: "m", SharedAccessKey: "c2VjcmV0LWRldmljZS1rZXktMDEyMzQ1Njc4OWFiY2Q=", GatewayHostName: "edge.local"}, true},
		{"policy", "HostName=h;SharedAccessKeyName=iothubowner;SharedAccessKey=c2VjcmV0LWRldmljZS1rZXktMDEyMzQ1Njc4OWFiY2Q=",
			ConnectionString{HostName: "h", SharedAccessKeyName: "iothubowner", SharedAccessKey: "c2VjcmV0LWRldmljZS1rZXktMDEyMzQ1Njc4OWFiY2Q="}, false},
		{"names any case, spaces, trailing ;", " hostname = h ; DEVICEID=d;sharedaccesskey= c2VjcmV0LWRldmljZS1rZXktMDEyMzQ1Njc4OWFiY2Q= ;;",
			ConnectionString{HostName: "h", DeviceID: "d", SharedAccessKey: "c2VjcmV0LWRldmljZS1rZXktMDEyMzQ1Njc4OWFiY2Q="}, true},
		{"quoted", `"HostName=h;DeviceId=d;SharedAccessKey=c2VjcmV0LWRldmljZS1rZXktMDEyMzQ1Njc4OWFiY2Q="`,
			ConnectionString{HostName: "h", DeviceID: "d", SharedAccessKey: "c2VjcmV0LWRldmljZS1rZXktMDEyMzQ1Njc4OWFiY2Q="}, true},
		{"key with = padding kept", "HostName=h;DeviceId=d;SharedAccessKey=c2VjcmV0LWRldmljZS1rZXktMDEyMzQ1Njc4OWFiY2Q=",
			ConnectionString{HostName: "h", DeviceID: "d", SharedAccessKey: "c2VjcmV0LWRldmljZS1rZXktMDEyMzQ1Njc4OWFiY2Q="}, true},
		{"unpadded key", "HostName=h;DeviceId=d;SharedAccessKey=c2VjcmV0LWRldmljZS1rZXktMDEyMzQ1Njc4OWFiY2Q",
			ConnectionString{HostName: "h", DeviceID: "d", SharedAccessKey: "c2VjcmV0LWRldmljZS1rZXktMDEyMzQ1Njc4OWFiY2Q"}, true},
		{"signature", "HostName=h;DeviceId=d;SharedAccessSignature=SharedAccessSignature sr=h%2Fdevices%2Fd&sig=c2VjcmV0&se=1",
			ConnectionString{HostName: "h", DeviceID: "d", SharedAccessSignature: "SharedAccessSignature sr=h%2Fdevices%2Fd&sig=c2VjcmV0&se=1"}, true},
		{"x509", "HostName=h;DeviceId=d;x509=true",
			ConnectionString{HostName: "h", DeviceID: "d", X509: true}, true},
		{"unknown kept", "HostName=h;DeviceId=d;SharedAccessKey=c2VjcmV0LWRldmljZS1rZXktMDEyMzQ1Njc4OWFiY2Q=;Foo=a=b;Bar=",
			ConnectionString{HostName: "h", DeviceID: "d", SharedAccessKey: "c2VjcmV0LWRldmljZS1rZXktMDEyMzQ1Njc4OWFiY2Q=", Extra: map[string]string{"Foo": "a=b", "Bar": ""}}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseConnectionString(tc.in)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("got %+v\nwant %+v", got, tc.want)
			}
			if got.IsDevice() != tc.device {
				t.Errorf("IsDevice = %v", got.IsDevice())
			}
			again, err := ParseConnectionString(got.String())
			if err != nil || !reflect.DeepEqual(again, got) {
				t.Errorf("String() %q does not parse back: %v", got.String(), err)
			}
		})
	}
}

func TestParseConnectionStringErrors(t *testing.T) {
	tests := []struct {
		name, in      string
		field, reason string
	}{
		{"empty", "", "HostName", ReasonMissing},
		{"segment without =", "HostName=h;DeviceId=d;" + testKey[:20], "connection string", ReasonNoEquals},
		{"no name", "HostName=h;=x;DeviceId=d", "connection string", ReasonNoName},
		{"missing host", "DeviceId=d;SharedAccessKey=c2VjcmV0LWRldmljZS1rZXktMDEyMzQ1Njc4OWFiY2Q=", "HostName", ReasonMissing},
		{"empty host", "HostName=;DeviceId=d;SharedAccessKey=c2VjcmV0LWRldmljZS1rZXktMDEyMzQ1Njc4OWFiY2Q=", "HostName", ReasonEmpty},
		{"neither device nor policy", "HostName=h;SharedAccessKey=c2VjcmV0LWRldmljZS1rZXktMDEyMzQ1Njc4OWFiY2Q=", "DeviceId", ReasonMissing},
		{"key and signature", "HostName=h;DeviceId=d;SharedAccessKey=c2VjcmV0LWRldmljZS1rZXktMDEyMzQ1Njc4OWFiY2Q=;SharedAccessSignature=sr=a&sig=c2VjcmV0&se=1", "SharedAccessSignature", ReasonKeyAndSig},
		{"key not base64", "HostName=h;DeviceId=d;SharedAccessKey=p@ss word", "SharedAccessKey", ReasonNotBase64},
		{"key too short", "HostName=h;DeviceId=d;SharedAccessKey=c2VjcmV0", "SharedAccessKey", ReasonKeyLength},
		{"no credential", "HostName=h;DeviceId=d", "SharedAccessKey", ReasonMissing},
		{"duplicate", "HostName=h;DeviceId=d;deviceid=e;SharedAccessKey=c2VjcmV0LWRldmljZS1rZXktMDEyMzQ1Njc4OWFiY2Q=", "deviceid", ReasonDuplicate},
		{"bad signature", "HostName=h;DeviceId=d;SharedAccessSignature=hello", "SharedAccessSignature", ReasonNotToken},
		{"bad x509", "HostName=h;DeviceId=d;x509=yes", "x509", ReasonNotBool},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseConnectionString(tc.in)
			assertFieldError(t, err, tc.field, tc.reason)
			if strings.Contains(err.Error(), "c2VjcmV0LWRldmljZS1rZXktMDEyMzQ1Njc4OWFiY2Q=") || strings.Contains(err.Error(), testKey[:20]) {
				t.Errorf("error %q shows a secret", err)
			}
		})
	}
}

func TestConnectionStringCanonicalAndRedacted(t *testing.T) {
	cs, err := ParseConnectionString("x509=false;Zed=1;SharedAccessKey=c2VjcmV0LWRldmljZS1rZXktMDEyMzQ1Njc4OWFiY2Q=;ModuleId=m;DeviceId=d;HostName=h;Alpha=2")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ got, want string }{
		{cs.String(), "HostName=h;DeviceId=d;ModuleId=m;SharedAccessKey=c2VjcmV0LWRldmljZS1rZXktMDEyMzQ1Njc4OWFiY2Q=;Alpha=2;Zed=1"},
		{cs.Redacted(), "HostName=h;DeviceId=d;ModuleId=m;SharedAccessKey=****;Alpha=2;Zed=1"},
	}
	for _, tc := range tests {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
	sig := ConnectionString{HostName: "h", DeviceID: "d", SharedAccessSignature: "SharedAccessSignature sr=h&sig=abc&se=1"}
	if r := sig.Redacted(); strings.Contains(r, "sig=") || !strings.Contains(r, "SharedAccessSignature=****") {
		t.Errorf("Redacted = %q", r)
	}
}
