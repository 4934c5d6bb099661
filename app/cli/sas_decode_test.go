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

func TestSASDecode(t *testing.T) {
	future := time.Now().Add(time.Hour).Truncate(time.Second).UTC()
	live, err := cloud.NewSASToken("MyHub.azure-devices.net/devices/Dev-1", sasTestKey, "", future)
	if err != nil {
		t.Fatal(err)
	}
	policy, err := cloud.NewSASToken("MyHub.azure-devices.net", sasTestKey, "iothubowner", time.Unix(1546308061, 0))
	if err != nil {
		t.Fatal(err)
	}
	valid, invalid := true, false
	tests := []struct {
		name     string
		args     []string
		code     int
		resource string
		keyName  string
		expires  string
		expired  bool
		sigValid *bool
	}{
		{"live no key", []string{live}, 0, "MyHub.azure-devices.net/devices/Dev-1", "", future.Format(time.RFC3339), false, nil},
		{"live right key", []string{live, "--key", sasTestKey}, 0, "MyHub.azure-devices.net/devices/Dev-1", "", future.Format(time.RFC3339), false, &valid},
		{"key before token", []string{"--key", sasGroupKey, live}, 1, "MyHub.azure-devices.net/devices/Dev-1", "", future.Format(time.RFC3339), false, &invalid},
		{"expired policy", []string{"{" + policy + "}"}, 0, "MyHub.azure-devices.net", "iothubowner", "2019-01-01T02:01:01Z", true, nil},
		{"unquoted in two words", strings.SplitN(policy, " ", 2), 0, "MyHub.azure-devices.net", "iothubowner", "2019-01-01T02:01:01Z", true, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := runSASForTest(t, append([]string{"decode", "--json"}, tc.args...)...)
			if code != tc.code || stderr != "" {
				t.Fatalf("exit %d (want %d), stderr %q", code, tc.code, stderr)
			}
			var got sasDecodeJSON
			if err := json.Unmarshal([]byte(stdout), &got); err != nil {
				t.Fatalf("stdout is not JSON: %v\n%s", err, stdout)
			}
			if got.Resource != tc.resource || got.KeyName != tc.keyName || got.ExpiresAt != tc.expires || got.Expired != tc.expired {
				t.Errorf("got %+v", got)
			}
			if (got.SignatureValid == nil) != (tc.sigValid == nil) || got.SignatureValid != nil && *got.SignatureValid != *tc.sigValid {
				t.Errorf("signatureValid = %v, want %v", got.SignatureValid, tc.sigValid)
			}
		})
	}
}

func TestSASDecodeHuman(t *testing.T) {
	tok, err := cloud.NewSASToken("h/devices/d", sasTestKey, "", time.Unix(1663119026, 0))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		key  string
		code int
		want []string
	}{
		{"", 0, []string{"Resource:", "h/devices/d", "2022-09-14T01:30:26Z", "expired"}},
		{sasTestKey, 0, []string{"Signature:", "matches the key"}},
		{sasGroupKey, 1, []string{"Signature:", "does NOT match the key"}},
	}
	for _, tc := range tests {
		args := []string{"decode", tok}
		if tc.key != "" {
			args = append(args, "--key", tc.key)
		}
		code, stdout, stderr := runSASForTest(t, args...)
		if code != tc.code || stderr != "" {
			t.Fatalf("key %q: exit %d, stderr %q", tc.key, code, stderr)
		}
		for _, w := range tc.want {
			if !strings.Contains(stdout, w) {
				t.Errorf("key %q: stdout lacks %q:\n%s", tc.key, w, stdout)
			}
		}
	}
}

func TestSASDecodeBadArguments(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		inLine []string
	}{
		{"no token", []string{"decode"}, []string{"TOKEN", "missing"}},
		{"not a token", []string{"decode", "hello"}, []string{"TOKEN", "SharedAccessSignature"}},
		{"no se", []string{"decode", "sr=a&sig=c2VjcmV0"}, []string{"TOKEN", "se", "missing"}},
		{"bad key", []string{"decode", "sr=a&sig=c2VjcmV0&se=5", "--key", "p@ss"}, []string{"--key", "not base64"}},
		{"unknown flag", []string{"decode", "--verbose"}, []string{"-verbose"}},
		{"short key", []string{"decode", "sr=a&sig=c2VjcmV0&se=5", "--key", "AQ=="}, []string{"--key", "16 to 64 bytes"}},
		{"se past int64", []string{"decode", "sr=a&sig=c2VjcmV0&se=9223372036854775807"}, []string{"TOKEN", "se", "after the year 9999"}},
		{"se past 9999", []string{"decode", "sr=a&sig=c2VjcmV0&se=253402300800"}, []string{"TOKEN", "se", "after the year 9999"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := runSASForTest(t, tc.args...)
			assertOneLineError(t, code, stdout, stderr, tc.inLine)
		})
	}
}

// The environment and stdin are the outside world: these tests hand the
// command its own instead of changing the process's.
func TestSASEnvironmentAndStdin(t *testing.T) {
	tok, err := cloud.NewSASToken("h/devices/d", sasTestKey, "", time.Unix(1663119026, 0))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		env      map[string]string
		stdin    string
		args     []string
		code     int
		contains string
	}{
		{"connection string from env", map[string]string{envConnectionString: sasTestCS}, "", []string{"--json"}, 0, `"clientId": "Dev-1"`},
		{"key from env", map[string]string{envKey: sasTestKey}, "", []string{"--host", "h", "--device", "d", "--json"}, 0, `"username": "h/d/?api-version=2021-04-12"`},
		{"group key from env", map[string]string{envKey: sasGroupKey}, "", []string{"--dps", "--id-scope", "0ne1", "--registration-id", sasRegID, "--json"}, 0, `"derivedKey": "` + sasDerived + `"`},
		{"group key from its own env", map[string]string{envGroupKey: sasGroupKey, envKey: "not base64 at all"}, "", []string{"--dps", "--id-scope", "0ne1", "--registration-id", sasRegID, "--json"}, 0, `"derivedKey": "` + sasDerived + `"`},
		{"device key from env", map[string]string{envDeviceKey: sasDerived, envKey: "not base64 at all"}, "", []string{"--dps", "--id-scope", "0ne1", "--registration-id", sasRegID, "--json"}, 0, `"clientId": "` + sasRegID + `"`},
		{"device key flag wins over group key env", map[string]string{envGroupKey: "not base64 at all"}, "", []string{"--dps", "--id-scope", "0ne1", "--registration-id", sasRegID, "--device-key", sasDerived, "--json"}, 0, `"clientId": "` + sasRegID + `"`},
		{"both DPS keys from env", map[string]string{envGroupKey: sasGroupKey, envDeviceKey: sasDerived}, "", []string{"--dps", "--id-scope", "0ne1", "--registration-id", sasRegID}, 2, "QPYHUB_DEVICE_KEY: cannot be combined with QPYHUB_GROUP_KEY"},
		{"bad device key from env is blamed on env", map[string]string{envDeviceKey: "not base64 at all"}, "", []string{"--dps", "--id-scope", "0ne1", "--registration-id", sasRegID}, 2, "QPYHUB_DEVICE_KEY: device key is not base64"},
		{"flag wins over env", map[string]string{envKey: "not base64 at all"}, "", []string{"--host", "h", "--device", "d", "--key", sasTestKey, "--json"}, 0, `"clientId": "d"`},
		{"bad key from env is blamed on env", map[string]string{envKey: "not base64 at all"}, "", []string{"--host", "h", "--device", "d"}, 2, "QPYHUB_KEY: SharedAccessKey is not base64"},
		{"token from stdin", nil, "\n  " + tok + "\r\n", []string{"decode", "-", "--json"}, 0, `"resource": "h/devices/d"`},
		{"stdin verified with env key", map[string]string{envKey: sasTestKey}, tok, []string{"decode", "-", "--json"}, 0, `"signatureValid": true`},
		{"empty stdin", nil, "", []string{"decode", "-"}, 2, "TOKEN: SharedAccessSignature"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			w := testWorld(&stdout, &stderr)
			w.stdin = strings.NewReader(tc.stdin)
			w.lookupEnv = func(k string) (string, bool) { v, ok := tc.env[k]; return v, ok }
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			code := dispatch(ctx, w, append([]string{"sas"}, tc.args...))
			if code != tc.code || !strings.Contains(stdout.String()+stderr.String(), tc.contains) {
				t.Fatalf("exit %d (want %d)\nstdout %s\nstderr %s\nwant %q", code, tc.code, stdout.String(), stderr.String(), tc.contains)
			}
			if strings.Contains(stderr.String(), sasTestKey) || strings.Contains(stderr.String(), "not base64 at all") {
				t.Errorf("stderr shows a secret: %q", stderr.String())
			}
		})
	}
}

// blockingReader never returns, like a terminal nobody types into.
type blockingReader struct{ release chan struct{} }

func (r blockingReader) Read([]byte) (int, error) {
	<-r.release
	return 0, context.Canceled
}

func TestSASDecodeStdinHonoursContext(t *testing.T) {
	r := blockingReader{release: make(chan struct{})}
	defer close(r.release)
	var stdout, stderr bytes.Buffer
	w := testWorld(&stdout, &stderr)
	w.stdin = r
	w.lookupEnv = func(string) (string, bool) { return "", false }
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if code := dispatch(ctx, w, []string{"sas", "decode", "-"}); code != 1 || stdout.Len() != 0 || !strings.Contains(stderr.String(), "standard input") {
		t.Errorf("exit %d, stdout %q, stderr %q", code, stdout.String(), stderr.String())
	}
}
