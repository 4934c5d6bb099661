package moduleapp

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

func TestConfigJSONDefaults(t *testing.T) {
	b, err := Config{DeviceID: "dev1", Host: "h.azure-devices.net", Auth: AuthKey, Key: "c2VjcmV0"}.JSON()
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"version": 1.0, "device_id": "dev1", "host": "h.azure-devices.net", "port": 8883.0,
		"auth": "key", "key": "c2VjcmV0", "token_ttl": 3600.0, "dps": nil, "ca": "", "heartbeat": 60.0, "keepalive": 240.0, "time_offset": 0.0}
	if len(doc) != len(want) {
		t.Errorf("fields %v, want %v", doc, want)
	}
	for k, v := range want {
		if got, ok := doc[k]; !ok || got != v {
			t.Errorf("%s = %v, want %v", k, got, v)
		}
	}

	b, err = Config{Auth: AuthKey, Key: "c2VjcmV0", DPS: &DPS{IDScope: "0ne1", RegistrationID: "r1"}}.JSON()
	if err != nil {
		t.Fatal(err)
	}
	var withDPS Config
	if err := json.Unmarshal(b, &withDPS); err != nil {
		t.Fatal(err)
	}
	if *withDPS.DPS != (DPS{Host: DefaultDPSHost, Port: 8883, IDScope: "0ne1", RegistrationID: "r1"}) {
		t.Errorf("dps %+v", *withDPS.DPS)
	}
}

func TestConfigJSONRefuses(t *testing.T) {
	base := Config{DeviceID: "dev1", Host: "h", Auth: AuthKey, Key: "c2VjcmV0"}
	tests := []struct {
		field string
		mod   func(*Config)
	}{
		{"device_id", func(c *Config) { c.DeviceID = " " }},
		{"host", func(c *Config) { c.Host = "" }},
		{"key", func(c *Config) { c.Key = "" }},
		{"key", func(c *Config) { c.Key = "not base64!" }},
		{"token", func(c *Config) { c.Auth = AuthToken }},
		{"token", func(c *Config) { c.Auth, c.Token = AuthToken, "SharedAccessSignature sr=a&sig=b" }},
		{"auth", func(c *Config) { c.Auth = "x509" }},
		{"auth", func(c *Config) {
			c.Auth, c.Token, c.DPS = AuthToken, "SharedAccessSignature sr=a&sig=b&se=1", &DPS{IDScope: "s", RegistrationID: "r"}
		}},
		{"port", func(c *Config) { c.Port = 70000 }},
		{"version", func(c *Config) { c.Version = 2 }},
		{"heartbeat", func(c *Config) { c.Heartbeat = 1 }},
		{"token_ttl", func(c *Config) { c.TokenTTL = 4 }},
		{"keepalive", func(c *Config) { c.Keepalive = 29 }},
		{"keepalive", func(c *Config) { c.Keepalive = 1178 }},
		{"ca", func(c *Config) { c.CA = "hello" }},
		{"dps.id_scope", func(c *Config) { c.DPS = &DPS{RegistrationID: "r"} }},
		{"dps.registration_id", func(c *Config) { c.DPS = &DPS{IDScope: "s"} }},
	}
	for _, tc := range tests {
		c := base
		tc.mod(&c)
		_, err := c.JSON()
		var fe *FieldError
		if !errors.As(err, &fe) || fe.Field != tc.field {
			t.Errorf("%s: got %v, want an error about %s", tc.field, err, tc.field)
			continue
		}
		if strings.Contains(err.Error(), c.Key) && c.Key != "" {
			t.Errorf("%s: the error shows the key: %v", tc.field, err)
		}
	}
	tok := Config{DeviceID: "d", Host: "h", Auth: AuthToken, Token: "SharedAccessSignature sr=h%2Fdevices%2Fd&sig=x&se=99"}
	if _, err := tok.JSON(); err != nil {
		t.Errorf("token config refused: %v", err)
	}
	if _, err := (Config{DeviceID: "d", Host: "h", Auth: AuthKey, Key: "c2VjcmV0"[:7]}).JSON(); err != nil {
		t.Errorf("unpadded key refused: %v", err)
	}
}

func TestConfigStringMasksSecrets(t *testing.T) {
	c := Config{DeviceID: "dev1", Key: "c2VjcmV0", Token: "SharedAccessSignature sr=a&sig=b&se=1"}
	s := c.String()
	if strings.Contains(s, "c2VjcmV0") || strings.Contains(s, "sig=b") || !strings.Contains(s, "dev1") {
		t.Errorf("String() = %s", s)
	}
}
