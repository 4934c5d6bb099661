package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"qpyhub/cloud"
)

const (
	sasTestKey   = "18RQk/hOPJR9EbsJlk2j8WA6vWaj/yi+oaYg7zmxfQNdOyMSu+SJ8O7TSlZhDJCYmn4rzEiVKIzNiVAWjLxrGA=="
	sasGroupKey  = "8isrFI1sGsIlvvFSSFRiMfCNzv21fjbE/+ah/lSh3lF8e2YG1Te7w1KpZhJFFXJrqYKi9yegxkqIChbqOS9Egw=="
	sasRegID     = "sn-007-888-abc-mac-a1-b2-c3-d4-e5-f6"
	sasDerived   = "Jsm0lyGpjaVYVP2g3FnmnmG9dI/9qU24wNoykUmermc="
	sasTestCS    = "HostName=MyHub.azure-devices.net;DeviceId=Dev-1;SharedAccessKey=" + sasTestKey
	sasTestFixed = "2030-01-31T12:00:00Z"
)

// runSASForTest runs the command and returns its exit code and outputs.
func runSASForTest(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var stdout, stderr bytes.Buffer
	code := runCommand(ctx, "sas", args, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

func TestSASCredentialsJSON(t *testing.T) {
	tests := []struct {
		name                string
		args                []string
		host, client, user  string
		port                int
		resource, skn, key  string
		derived, scope, reg string
	}{
		{name: "host device key", args: []string{"--host", "MyHub.azure-devices.net", "--device", "Dev-1", "--key", sasTestKey},
			host: "MyHub.azure-devices.net", client: "Dev-1", user: "MyHub.azure-devices.net/Dev-1/?api-version=2021-04-12", port: 8883,
			resource: "MyHub.azure-devices.net/devices/Dev-1", key: sasTestKey},
		{name: "connection string module websocket", args: []string{"--connection-string", sasTestCS, "--module", "m1", "--websocket"},
			host: "MyHub.azure-devices.net", client: "Dev-1/m1", user: "MyHub.azure-devices.net/Dev-1/m1/?api-version=2021-04-12", port: 443,
			resource: "MyHub.azure-devices.net/devices/Dev-1/modules/m1", key: sasTestKey},
		{name: "dps group key", args: []string{"--dps", "--id-scope", "0ne00ABCDEF", "--registration-id", sasRegID, "--group-key", sasGroupKey},
			host: cloud.DPSGlobalHost, client: sasRegID, user: "0ne00ABCDEF/registrations/" + sasRegID + "/api-version=2019-03-31", port: 8883,
			resource: "0ne00ABCDEF/registrations/" + sasRegID, skn: "registration", key: sasDerived,
			derived: sasDerived, scope: "0ne00ABCDEF", reg: sasRegID},
		{name: "dps device key", args: []string{"--dps", "--id-scope", "0ne00ABCDEF", "--registration-id", sasRegID, "--device-key", sasDerived},
			host: cloud.DPSGlobalHost, client: sasRegID, user: "0ne00ABCDEF/registrations/" + sasRegID + "/api-version=2019-03-31", port: 8883,
			resource: "0ne00ABCDEF/registrations/" + sasRegID, skn: "registration", key: sasDerived, scope: "0ne00ABCDEF", reg: sasRegID},
	}
	// Two hours ahead: inside the lifetime that draws no warning.
	expiry := time.Now().Add(2 * time.Hour).UTC().Truncate(time.Second).Format(time.RFC3339)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := runSASForTest(t, append(tc.args, "--json", "--expiry", expiry)...)
			if code != 0 || stderr != "" {
				t.Fatalf("exit %d, stderr %q", code, stderr)
			}
			var got sasCredentialsJSON
			if err := json.Unmarshal([]byte(stdout), &got); err != nil {
				t.Fatalf("stdout is not JSON: %v\n%s", err, stdout)
			}
			if got.Host != tc.host || got.Port != tc.port || got.ClientID != tc.client || got.Username != tc.user ||
				got.ExpiresAt != expiry || got.DerivedKey != tc.derived || got.IDScope != tc.scope || got.RegistrationID != tc.reg {
				t.Errorf("got %+v", got)
			}
			tok, err := cloud.ParseSASToken(got.Password)
			if err != nil {
				t.Fatal(err)
			}
			ok, err := tok.Verify(tc.key)
			if !ok || err != nil || tok.Resource != tc.resource || tok.KeyName != tc.skn {
				t.Errorf("password %+v: verify=%v err=%v", tok, ok, err)
			}
		})
	}
}

func TestSASHumanOutputAndWarning(t *testing.T) {
	tests := []struct {
		name      string
		ttl       string
		wantWarn  bool
		wantLines []string
	}{
		{"one hour", "1h", false, []string{"Host:", "Client ID:", "Username:", "Password:", "Expires at:"}},
		{"forty days", "40d", true, []string{"Password:"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := time.Now().Truncate(time.Second)
			code, stdout, stderr := runSASForTest(t, "--host", "h.azure-devices.net", "--device", "d1", "--key", sasTestKey, "--ttl", tc.ttl)
			after := time.Now()
			if code != 0 {
				t.Fatalf("exit %d, stderr %q", code, stderr)
			}
			for _, l := range tc.wantLines {
				if !strings.Contains(stdout, l) {
					t.Errorf("stdout lacks %q:\n%s", l, stdout)
				}
			}
			if gotWarn := strings.Count(stderr, "\n") == 1 && strings.Contains(stderr, "30"); gotWarn != tc.wantWarn {
				t.Errorf("warning = %q, want one: %v", stderr, tc.wantWarn)
			}
			ttl, _ := cloud.ParseTTL(tc.ttl)
			exp := expiresFromHuman(t, stdout)
			if exp.Before(before.Add(ttl)) || exp.After(after.Add(ttl)) {
				t.Errorf("expiry %v not within [%v, %v] + %v", exp, before, after, ttl)
			}
		})
	}
}

func expiresFromHuman(t *testing.T, stdout string) time.Time {
	t.Helper()
	for _, line := range strings.Split(stdout, "\n") {
		if v, ok := strings.CutPrefix(line, "Expires at:"); ok {
			exp, err := time.Parse(time.RFC3339, strings.TrimSpace(v))
			if err != nil {
				t.Fatal(err)
			}
			return exp
		}
	}
	t.Fatalf("no expiry line in:\n%s", stdout)
	return time.Time{}
}

func TestSASSnippet(t *testing.T) {
	code, stdout, stderr := runSASForTest(t, "--connection-string", sasTestCS, "--snippet", "--keepalive", "120")
	if code != 0 || stderr != "" {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	for _, want := range []string{"from umqtt import MQTTClient", "client_id='Dev-1'", "keepalive=120", "ssl=True", "password='SharedAccessSignature sr="} {
		if !strings.Contains(stdout, want) {
			t.Errorf("snippet lacks %q:\n%s", want, stdout)
		}
	}
}

func TestSASBadArguments(t *testing.T) {
	policy := "HostName=h;SharedAccessKeyName=iothubowner;SharedAccessKey=" + sasTestKey
	tests := []struct {
		name   string
		args   []string
		inLine []string
	}{
		{"no source", nil, []string{"--connection-string", "missing"}},
		{"unknown flag", []string{"--nope"}, []string{"-nope"}},
		{"stray argument", []string{"--connection-string", sasTestCS, "c2VjcmV0"}, []string{"qpyhub sas: ", "not shown", "takes no arguments"}},
		{"bad key", []string{"--host", "h", "--device", "d", "--key", "p@ss w0rd"}, []string{"--key", "SharedAccessKey", "not base64"}},
		{"missing key", []string{"--host", "h", "--device", "d"}, []string{"--key", "SharedAccessKey", "missing"}},
		{"missing device", []string{"--host", "h", "--key", sasTestKey}, []string{"--device", "DeviceId", "missing"}},
		{"bad device id", []string{"--host", "h", "--device", "a/b", "--key", sasTestKey}, []string{"--device", "DeviceId"}},
		{"policy string", []string{"--connection-string", policy}, []string{"--connection-string", "policy"}},
		{"cs without host", []string{"--connection-string", "DeviceId=d;SharedAccessKey=" + sasTestKey}, []string{"--connection-string", "HostName", "missing"}},
		{"cs key not base64", []string{"--connection-string", "HostName=h;DeviceId=d;SharedAccessKey=%%secret%%"}, []string{"--connection-string", "SharedAccessKey"}},
		{"bad ttl", []string{"--connection-string", sasTestCS, "--ttl", "soon"}, []string{"--ttl", "not a duration"}},
		{"zero ttl", []string{"--connection-string", sasTestCS, "--ttl", "0s"}, []string{"--ttl", "longer than zero"}},
		{"bad expiry", []string{"--connection-string", sasTestCS, "--expiry", "tomorrow"}, []string{"--expiry", "RFC 3339"}},
		{"past expiry", []string{"--connection-string", sasTestCS, "--expiry", "2001-01-01T00:00:00Z"}, []string{"--expiry", "in the past"}},
		{"ttl and expiry", []string{"--connection-string", sasTestCS, "--ttl", "1h", "--expiry", sasTestFixed}, []string{"--expiry", "--ttl"}},
		{"cs and host", []string{"--connection-string", sasTestCS, "--host", "h"}, []string{"--connection-string", "--host"}},
		{"dps and key", []string{"--dps", "--key", sasTestKey}, []string{"--key", "--dps"}},
		{"dps no scope", []string{"--dps", "--registration-id", "r1", "--group-key", sasGroupKey}, []string{"--id-scope", "ID scope"}},
		{"dps bad registration", []string{"--dps", "--id-scope", "0ne1", "--registration-id", "a b", "--group-key", sasGroupKey}, []string{"--registration-id"}},
		{"dps no key", []string{"--dps", "--id-scope", "0ne1", "--registration-id", "r1"}, []string{"--group-key", "missing"}},
		{"dps both keys", []string{"--dps", "--id-scope", "0ne1", "--registration-id", "r1", "--group-key", sasGroupKey, "--device-key", sasDerived}, []string{"--device-key", "--group-key"}},
		{"bad bool", []string{"--json=maybe"}, []string{"json"}},
		{"negative keepalive", []string{"--connection-string", sasTestCS, "--snippet", "--keepalive", "-5"}, []string{"qpyhub sas: --keepalive: ", "1177"}},
		{"zero keepalive", []string{"--connection-string", sasTestCS, "--snippet", "--keepalive", "0"}, []string{"--keepalive", "1177"}},
		{"keepalive past the hub's limit", []string{"--connection-string", sasTestCS, "--snippet", "--keepalive", "1178"}, []string{"--keepalive", "1177"}},
		{"keepalive without snippet", []string{"--connection-string", sasTestCS, "--keepalive", "60"}, []string{"--keepalive", "--snippet"}},
		{"1-byte key", []string{"--host", "h", "--device", "d", "--key", "AQ=="}, []string{"--key", "SharedAccessKey", "16 to 64 bytes"}},
		{"128 KiB key", []string{"--host", "h", "--device", "d", "--key", strings.Repeat("QUFB", 32<<10)}, []string{"--key", "SharedAccessKey", "16 to 64 bytes"}},
		{"cs 1-byte key", []string{"--connection-string", "HostName=h;DeviceId=d;SharedAccessKey=AQ=="}, []string{"--connection-string", "SharedAccessKey", "16 to 64 bytes"}},
		{"dps short group key", []string{"--dps", "--id-scope", "0ne1", "--registration-id", "r1", "--group-key", "AQ=="}, []string{"--group-key", "group key", "16 to 64 bytes"}},
		{"dps short device key", []string{"--dps", "--id-scope", "0ne1", "--registration-id", "r1", "--device-key", "AQ=="}, []string{"--device-key", "device key", "16 to 64 bytes"}},
		{"host with port", []string{"--host", "h.azure-devices.net:8883", "--device", "d", "--key", sasTestKey}, []string{"--host", "HostName", "without ':'"}},
		{"host not UTF-8", []string{"--host", "h\xff.net", "--device", "d", "--key", sasTestKey}, []string{"--host", "HostName", "not a host name"}},
		{"cs host with port", []string{"--connection-string", "HostName=h:8883;DeviceId=d;SharedAccessKey=" + sasTestKey}, []string{"--connection-string", "HostName", "without ':'"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := runSASForTest(t, tc.args...)
			assertOneLineError(t, code, stdout, stderr, tc.inLine)
		})
	}
}

// assertOneLineError checks the bad-arguments contract: exit 2, nothing
// on stdout, one line on stderr naming the problem, no secret in it.
func assertOneLineError(t *testing.T, code int, stdout, stderr string, inLine []string) {
	t.Helper()
	if code != 2 || stdout != "" {
		t.Fatalf("exit %d, stdout %q; want 2 and nothing", code, stdout)
	}
	if strings.Count(stderr, "\n") != 1 || !strings.HasSuffix(stderr, "\n") {
		t.Fatalf("stderr is not one line: %q", stderr)
	}
	for _, want := range inLine {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr %q lacks %q", stderr, want)
		}
	}
	for _, secret := range []string{sasTestKey, sasGroupKey, sasDerived, "p@ss", "secret", "c2VjcmV0", "AQ==", "QUFBQUFB"} {
		if strings.Contains(stderr, secret) {
			t.Errorf("stderr %q shows a secret", stderr)
		}
	}
}

// Help is asked for, so it is output: stdout, exit 0. It names the
// environment variables that keep each secret off the command line.
func TestSASHelp(t *testing.T) {
	tests := map[string][]string{
		"--help":          {"sas decode", envKey, envConnectionString, envGroupKey, envDeviceKey},
		"-h":              {"sas decode", envKey, envConnectionString, envGroupKey, envDeviceKey},
		"decode --help":   {"sas decode", envKey},
		"decode -h token": {"sas decode", envKey},
	}
	for args, want := range tests {
		code, stdout, stderr := runSASForTest(t, strings.Fields(args)...)
		if code != 0 || stderr != "" {
			t.Errorf("%s: exit %d, stderr %q", args, code, stderr)
		}
		for _, w := range want {
			if !strings.Contains(stdout, w) {
				t.Errorf("%s: help lacks %q:\n%s", args, w, stdout)
			}
		}
	}
}
