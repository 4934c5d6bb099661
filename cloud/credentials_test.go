package cloud

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestMQTTUsername(t *testing.T) {
	tests := []struct{ host, dev, mod, want string }{
		{"h.azure-devices.net", "Dev1", "", "h.azure-devices.net/Dev1/?api-version=2021-04-12"},
		{"h.azure-devices.net", "Dev1", "m1", "h.azure-devices.net/Dev1/m1/?api-version=2021-04-12"},
	}
	for _, tc := range tests {
		if got := MQTTUsername(tc.host, tc.dev, tc.mod); got != tc.want {
			t.Errorf("MQTTUsername = %q, want %q", got, tc.want)
		}
	}
}

func TestParseMQTTUsername(t *testing.T) {
	tests := []struct {
		in                  string
		host, dev, mod, api string
		wantErr             bool
	}{
		{in: "h.net/Dev1/?api-version=2021-04-12", host: "h.net", dev: "Dev1", api: "2021-04-12"},
		{in: "h.net/Dev1/m1/?api-version=2021-04-12", host: "h.net", dev: "Dev1", mod: "m1", api: "2021-04-12"},
		{in: "h.net/Dev1/?api-version=2021-04-12&DeviceClientType=azure-iot-device%2F1.0", host: "h.net", dev: "Dev1", api: "2021-04-12"},
		{in: "h.net/Dev1/?DeviceClientType=x&api-version=2020-09-30", host: "h.net", dev: "Dev1", api: "2020-09-30"},
		{in: "h.net/Dev1/api-version=2018-06-30", host: "h.net", dev: "Dev1", api: "2018-06-30"},
		{in: "h.net/Dev1/m1/api-version=2018-06-30", host: "h.net", dev: "Dev1", mod: "m1", api: "2018-06-30"},
		{in: "h.net/Dev1", wantErr: true},
		{in: "h.net/Dev1/?foo=bar", wantErr: true},
		{in: "h.net/?api-version=2021-04-12", wantErr: true},
		{in: "h.net//?api-version=2021-04-12", wantErr: true},
		{in: "h.net/a/b/c/?api-version=2021-04-12", wantErr: true},
		{in: "", wantErr: true},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			host, dev, mod, api, err := ParseMQTTUsername(tc.in)
			if tc.wantErr {
				if err == nil {
					t.Fatalf("got %q %q %q %q, want an error", host, dev, mod, api)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if host != tc.host || dev != tc.dev || mod != tc.mod || api != tc.api {
				t.Errorf("got %q %q %q %q", host, dev, mod, api)
			}
		})
	}
}

func TestIdentityFromConnectionString(t *testing.T) {
	tests := []struct {
		name, cs      string
		want          DeviceIdentity
		field, reason string
	}{
		{name: "device", cs: "HostName=h;DeviceId=d;SharedAccessKey=c2VjcmV0LWRldmljZS1rZXktMDEyMzQ1Njc4OWFiY2Q=",
			want: DeviceIdentity{Host: "h", DeviceID: "d", Key: "c2VjcmV0LWRldmljZS1rZXktMDEyMzQ1Njc4OWFiY2Q="}},
		{name: "module token", cs: "HostName=h;DeviceId=d;ModuleId=m;SharedAccessSignature=sr=h&sig=c2VjcmV0&se=1",
			want: DeviceIdentity{Host: "h", DeviceID: "d", ModuleID: "m", Token: "sr=h&sig=c2VjcmV0&se=1"}},
		{name: "policy", cs: "HostName=h;SharedAccessKeyName=iothubowner;SharedAccessKey=c2VjcmV0LWRldmljZS1rZXktMDEyMzQ1Njc4OWFiY2Q=",
			field: "connection string", reason: ReasonPolicyString},
		{name: "x509", cs: "HostName=h;DeviceId=d;x509=true", field: "connection string", reason: ReasonNoX509},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cs, err := ParseConnectionString(tc.cs)
			if err != nil {
				t.Fatal(err)
			}
			got, err := IdentityFromConnectionString(cs)
			if tc.reason != "" {
				assertFieldError(t, err, tc.field, tc.reason)
				return
			}
			if err != nil || got != tc.want {
				t.Errorf("got %+v, %v; want %+v", got, err, tc.want)
			}
		})
	}
}

func TestDeviceMQTTCredentialsFromKey(t *testing.T) {
	expiry := time.Now().Add(time.Hour)
	tests := []struct {
		name                              string
		id                                DeviceIdentity
		ws                                bool
		clientID, username, resource, url string
	}{
		{"device tls", DeviceIdentity{Host: "h.azure-devices.net", DeviceID: "Dev1", Key: testKey}, false,
			"Dev1", "h.azure-devices.net/Dev1/?api-version=2021-04-12", "h.azure-devices.net/devices/Dev1", "ssl://h.azure-devices.net:8883"},
		{"module websocket", DeviceIdentity{Host: "h.azure-devices.net", DeviceID: "Dev1", ModuleID: "m", Key: testKey}, true,
			"Dev1/m", "h.azure-devices.net/Dev1/m/?api-version=2021-04-12", "h.azure-devices.net/devices/Dev1/modules/m", "wss://h.azure-devices.net:443/$iothub/websocket"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := DeviceMQTTCredentials(tc.id, expiry, tc.ws)
			if err != nil {
				t.Fatal(err)
			}
			if c.ClientID != tc.clientID || c.Username != tc.username || c.BrokerURL() != tc.url || c.Host != tc.id.Host {
				t.Errorf("got %+v (url %s)", c, c.BrokerURL())
			}
			tok, err := ParseSASToken(c.Password)
			if err != nil {
				t.Fatal(err)
			}
			ok, err := tok.Verify(tc.id.Key)
			if !ok || err != nil || tok.Resource != tc.resource || tok.KeyName != "" {
				t.Errorf("password token %+v verify=%v err=%v", tok, ok, err)
			}
			if !c.ExpiresAt.Equal(tok.Expiry) || c.ExpiresAt.Unix() != expiry.Unix() {
				t.Errorf("ExpiresAt %v, token %v, asked %v", c.ExpiresAt, tok.Expiry, expiry)
			}
		})
	}
}

func TestDeviceMQTTCredentialsFromToken(t *testing.T) {
	later := time.Now().Add(time.Hour)
	mk := func(resource, skn string, expiry time.Time) string {
		s, err := NewSASToken(resource, "c2VjcmV0LWRldmljZS1rZXktMDEyMzQ1Njc4OWFiY2Q=", skn, expiry)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	tests := []struct {
		name, token   string
		field, reason string
	}{
		{name: "exact device", token: mk("h.net/devices/Dev1", "", later)},
		{name: "host case differs", token: mk("H.NET/devices/Dev1", "", later)},
		{name: "hub-wide policy token", token: mk("h.net", "device", later)},
		{name: "other device", token: mk("h.net/devices/Dev2", "", later), field: "SharedAccessSignature", reason: ReasonOtherResource},
		{name: "device id case differs", token: mk("h.net/devices/dev1", "", later), field: "SharedAccessSignature", reason: ReasonOtherResource},
		{name: "prefix of another id", token: mk("h.net/devices/Dev", "", later), field: "SharedAccessSignature", reason: ReasonOtherResource},
		{name: "expired", token: mk("h.net/devices/Dev1", "", time.Unix(1000, 0)), field: "SharedAccessSignature", reason: ReasonExpired},
		{name: "garbage", token: "hello", field: "SharedAccessSignature", reason: ReasonNotToken},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := DeviceMQTTCredentials(DeviceIdentity{Host: "h.net", DeviceID: "Dev1", Token: tc.token}, time.Time{}, false)
			if tc.reason != "" {
				assertFieldError(t, err, tc.field, tc.reason)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.Password != tc.token || c.ExpiresAt.Unix() != later.Unix() {
				t.Errorf("got password %q expires %v", c.Password, c.ExpiresAt)
			}
		})
	}
}

func TestDeviceMQTTCredentialsErrors(t *testing.T) {
	later := time.Now().Add(time.Hour)
	tests := []struct {
		name          string
		id            DeviceIdentity
		expiry        time.Time
		field, reason string
	}{
		{"no host", DeviceIdentity{DeviceID: "d", Key: "c2VjcmV0LWRldmljZS1rZXktMDEyMzQ1Njc4OWFiY2Q="}, later, "HostName", ReasonMissing},
		{"host with path", DeviceIdentity{Host: "h/x", DeviceID: "d", Key: "c2VjcmV0LWRldmljZS1rZXktMDEyMzQ1Njc4OWFiY2Q="}, later, "HostName", ReasonBadHostName},
		{"no device", DeviceIdentity{Host: "h", Key: "c2VjcmV0LWRldmljZS1rZXktMDEyMzQ1Njc4OWFiY2Q="}, later, "DeviceId", ReasonMissing},
		{"bad module", DeviceIdentity{Host: "h", DeviceID: "d", ModuleID: "a/b", Key: "c2VjcmV0LWRldmljZS1rZXktMDEyMzQ1Njc4OWFiY2Q="}, later, "ModuleId", ReasonBadIDChars},
		{"no key", DeviceIdentity{Host: "h", DeviceID: "d"}, later, "SharedAccessKey", ReasonMissing},
		{"bad key", DeviceIdentity{Host: "h", DeviceID: "d", Key: "!!"}, later, "SharedAccessKey", ReasonNotBase64},
		{"past expiry", DeviceIdentity{Host: "h", DeviceID: "d", Key: "c2VjcmV0LWRldmljZS1rZXktMDEyMzQ1Njc4OWFiY2Q="}, time.Unix(1000, 0), "expiry", ReasonInPast},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := DeviceMQTTCredentials(tc.id, tc.expiry, false)
			assertFieldError(t, err, tc.field, tc.reason)
		})
	}
}

func TestDPSCredentials(t *testing.T) {
	const (
		groupKey = "8isrFI1sGsIlvvFSSFRiMfCNzv21fjbE/+ah/lSh3lF8e2YG1Te7w1KpZhJFFXJrqYKi9yegxkqIChbqOS9Egw=="
		regID    = "sn-007-888-abc-mac-a1-b2-c3-d4-e5-f6"
		derived  = "Jsm0lyGpjaVYVP2g3FnmnmG9dI/9qU24wNoykUmermc="
	)
	expiry := time.Now().Add(24 * time.Hour)
	for _, ws := range []bool{false, true} {
		c, err := DPSGroupCredentials("0ne000A1B2C", regID, groupKey, expiry, ws)
		if err != nil {
			t.Fatal(err)
		}
		wantURL := map[bool]string{false: "ssl://" + DPSGlobalHost + ":8883", true: "wss://" + DPSGlobalHost + ":443/$iothub/websocket"}[ws]
		if c.DerivedKey != derived || c.ClientID != regID || c.Host != DPSGlobalHost || c.BrokerURL() != wantURL ||
			c.Username != "0ne000A1B2C/registrations/"+regID+"/api-version=2019-03-31" || c.IDScope != "0ne000A1B2C" || c.RegistrationID != regID {
			t.Errorf("websocket=%v: got %+v", ws, c)
		}
		tok, err := ParseSASToken(c.Password)
		if err != nil {
			t.Fatal(err)
		}
		ok, err := tok.Verify(derived)
		if !ok || err != nil || tok.KeyName != "registration" || tok.EncodedResource != "0ne000A1B2C%2Fregistrations%2F"+regID {
			t.Errorf("token %+v verify=%v err=%v", tok, ok, err)
		}
	}
}

func TestDPSCredentialsErrors(t *testing.T) {
	later := time.Now().Add(time.Hour)
	tests := []struct {
		name, scope, reg, key string
		expiry                time.Time
		field, reason         string
	}{
		{"no scope", "", "r1", "c2VjcmV0LWRldmljZS1rZXktMDEyMzQ1Njc4OWFiY2Q=", later, "ID scope", ReasonMissing},
		{"scope with slash", "0ne/1", "r1", "c2VjcmV0LWRldmljZS1rZXktMDEyMzQ1Njc4OWFiY2Q=", later, "ID scope", ReasonBadIDChars},
		{"no registration", "0ne1", "", "c2VjcmV0LWRldmljZS1rZXktMDEyMzQ1Njc4OWFiY2Q=", later, "registration id", ReasonMissing},
		{"bad key", "0ne1", "r1", "###", later, "device key", ReasonNotBase64},
		{"1-byte key", "0ne1", "r1", "AQ==", later, "device key", ReasonKeyLength},
		{"past", "0ne1", "r1", "c2VjcmV0LWRldmljZS1rZXktMDEyMzQ1Njc4OWFiY2Q=", time.Unix(5, 0), "expiry", ReasonInPast},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := DPSMQTTCredentials(tc.scope, tc.reg, tc.key, tc.expiry, false)
			assertFieldError(t, err, tc.field, tc.reason)
		})
	}
}

func TestParseDPSUsername(t *testing.T) {
	tests := []struct {
		in, scope, reg, api string
		wantErr             bool
	}{
		{in: DPSUsername("0ne00000001", "sn-1"), scope: "0ne00000001", reg: "sn-1", api: DPSAPIVersion},
		{in: "0ne1/registrations/r.1/?api-version=2021-06-01&ClientVersion=x", scope: "0ne1", reg: "r.1", api: "2021-06-01"},
		{in: "0ne1/registration/r1/api-version=2019-03-31", wantErr: true},
		{in: "0ne1/registrations//api-version=2019-03-31", wantErr: true},
		{in: "0ne1/registrations/r1", wantErr: true},
		{in: "0ne1/registrations/r1/api-version=", wantErr: true},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			scope, reg, api, err := ParseDPSUsername(tc.in)
			if tc.wantErr {
				if err == nil {
					t.Fatalf("got %q %q %q, want an error", scope, reg, api)
				}
				return
			}
			if err != nil || scope != tc.scope || reg != tc.reg || api != tc.api {
				t.Errorf("got %q %q %q %v", scope, reg, api, err)
			}
		})
	}
}

func TestStringsMaskSecrets(t *testing.T) {
	c, err := DeviceMQTTCredentials(DeviceIdentity{Host: "h", DeviceID: "d", Key: testKey}, time.Now().Add(time.Hour), false)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := ParseSASToken(c.Password)
	if err != nil {
		t.Fatal(err)
	}
	id := DeviceIdentity{Host: "h", DeviceID: "d", Key: testKey, Token: c.Password}
	tests := []struct {
		name, shown string
	}{
		{"credentials", fmt.Sprintf("%v %+v", c, c)},
		{"identity", fmt.Sprintf("%v %+v", id, id)},
		{"token", fmt.Sprintf("%v %+v", tok, tok)},
	}
	for _, tc := range tests {
		if strings.Contains(tc.shown, tok.Signature) || strings.Contains(tc.shown, testKey) || !strings.Contains(tc.shown, "****") {
			t.Errorf("%s printed as %q", tc.name, tc.shown)
		}
	}
}
