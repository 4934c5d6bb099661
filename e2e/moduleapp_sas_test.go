//go:build linux

// The test peer runs on a Linux pseudo-terminal.

package e2e

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"math/rand/v2"
	"net/url"
	"strings"
	"testing"
	"time"

	"qpyhub/assets"
	"qpyhub/cloud"
	"qpyhub/device/repl"
	"qpyhub/device/testpeer"
)

// The SAS tokens the module program mints must be the ones the PC side
// mints (device/ cannot import cloud/, so the cross-check lives here).
func TestModuleSASMatchesCloud(t *testing.T) {
	type sasCase struct {
		Resource string `json:"r"`
		Key      string `json:"k"`
		Expiry   int64  `json:"e"`
		KeyName  string `json:"n"`
	}
	cases := []sasCase{
		{"MyExampleHub.azure-devices.net/devices/my-symkey-device", "18RQk/hOPJR9EbsJlk2j8WA6vWaj/yi+oaYg7zmxfQNdOyMSu+SJ8O7TSlZhDJCYmn4rzEiVKIzNiVAWjLxrGA==", 1663119026, ""},
		{"uri", "cGFzc3dvcmQ=", 12345, ""},
		{"test.azure-devices.net", "c2VjcmV0", 1546308061, "owner"},
	}
	rng := rand.New(rand.NewPCG(1, 2)) // fixed seed: a failure can be replayed
	const idChars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._:@"
	word := func(n int) string {
		var b strings.Builder
		for range n {
			b.WriteByte(idChars[rng.IntN(len(idChars))])
		}
		return b.String()
	}
	for i := range 60 {
		key := make([]byte, 1+rng.IntN(90)) // past 64 bytes HMAC hashes the key first
		for j := range key {
			key[j] = byte(rng.Uint32())
		}
		c := sasCase{Key: base64.StdEncoding.EncodeToString(key), Expiry: 1 + rng.Int64N(4_000_000_000)}
		host := strings.ToLower(word(3+rng.IntN(10))) + ".azure-devices.net"
		switch i % 4 {
		case 0:
			c.Resource = cloud.DeviceResource(host, word(1+rng.IntN(40)))
		case 1:
			c.Resource = cloud.ModuleResource(host, word(1+rng.IntN(20)), word(1+rng.IntN(20)))
			c.Key = strings.TrimRight(c.Key, "=") // pasted without padding
		case 2:
			c.Resource = cloud.DPSResource("0ne"+word(8), word(1+rng.IntN(30)))
			c.KeyName = "registration"
		case 3:
			c.Resource, c.KeyName = host, word(1+rng.IntN(12))
		}
		cases = append(cases, c)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	peer, err := testpeer.Start(ctx, testpeer.Options{Files: map[string][]byte{"qpyhub.py": assets.ModuleLibrary(), "qpyhub_app.py": assets.ModuleProgram()}})
	if err != nil {
		t.Fatal(err)
	}
	defer peer.Close()
	s, err := repl.Open(ctx, peer.Path(), repl.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	doc, _ := json.Marshal(cases)
	lit, _ := json.Marshal(string(doc)) // a JSON string is a Python string literal
	res, err := s.Exec(ctx, "import sys, ujson\nsys.path.append('/usr')\nimport qpyhub_app\n"+
		"print(ujson.dumps([qpyhub_app.make_sas(c['r'], c['k'], c['e'], c['n'] or None) for c in ujson.loads("+string(lit)+")]))\n")
	if err != nil {
		t.Fatalf("%v\n%s", err, res.Stderr)
	}
	var got []string
	if err := json.Unmarshal([]byte(strings.TrimSpace(res.Stdout)), &got); err != nil || len(got) != len(cases) {
		t.Fatalf("module answered %q: %v", res.Stdout, err)
	}
	for i, c := range cases {
		want, raw := referenceSAS(t, c.Resource, c.Key, c.KeyName, c.Expiry)
		gotFields, wantFields := sasFields(got[i]), sasFields(want)
		for _, name := range []string{"sr", "sig", "se", "skn"} {
			if gotFields[name] != wantFields[name] {
				t.Errorf("case %d (%s, key name %q): %s = %q, cloud says %q", i, c.Resource, c.KeyName, name, gotFields[name], wantFields[name])
			}
		}
		if len(gotFields) != len(wantFields) {
			t.Errorf("case %d: fields %v, cloud has %v", i, gotFields, wantFields)
		}
		tok, err := cloud.ParseSASToken(got[i])
		if err != nil {
			t.Errorf("case %d: cloud cannot read the module's token: %v", i, err)
		} else if cloud.SignSAS(raw, tok.EncodedResource, tok.Expiry.Unix()) != tok.Signature || tok.Resource != c.Resource {
			t.Errorf("case %d: token does not verify for %s", i, c.Resource)
		}
	}
}

// referenceSAS is the token package cloud makes for resource, signed with
// the decoded key as it is. The cases include keys shorter and longer than
// the 16 to 64 bytes cloud.NewSASToken takes from a user, so that the
// module's HMAC is checked on every key length.
func referenceSAS(t *testing.T, resource, key, keyName string, expiry int64) (string, []byte) {
	t.Helper()
	raw, err := base64.StdEncoding.DecodeString(key)
	if err != nil {
		raw, err = base64.RawStdEncoding.DecodeString(key)
	}
	if err != nil {
		t.Fatalf("key %q: %v", key, err)
	}
	tok := cloud.SASToken{EncodedResource: url.QueryEscape(resource), Expiry: time.Unix(expiry, 0), KeyName: keyName}
	tok.Signature = cloud.SignSAS(raw, tok.EncodedResource, expiry)
	return tok.Encode(), raw
}

func sasFields(token string) map[string]string {
	out := map[string]string{}
	for _, part := range strings.Split(strings.TrimPrefix(token, "SharedAccessSignature "), "&") {
		name, value, _ := strings.Cut(part, "=")
		out[name] = value
	}
	return out
}
