//go:build linux

package moduleapp

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
)

// The known answers of PROTOCOLS.md §1, signed on the module with
// hashlib, hmac and base64 made unimportable, as on EC600U/EC200U/BG95
// firmware.
func TestMakeSASKnownAnswers(t *testing.T) {
	t.Parallel()
	cases := []struct {
		resource, key string
		se            int64
		skn, sr, sig  string
	}{
		{"MyExampleHub.azure-devices.net/devices/my-symkey-device", "18RQk/hOPJR9EbsJlk2j8WA6vWaj/yi+oaYg7zmxfQNdOyMSu+SJ8O7TSlZhDJCYmn4rzEiVKIzNiVAWjLxrGA==",
			1663119026, "", "MyExampleHub.azure-devices.net%2Fdevices%2Fmy-symkey-device", "f%2BwW8XOKeJOtiPc9Iwjc4OpExvPM7NlhM9qxN2a1aAM%3D"},
		{"uri", "cGFzc3dvcmQ=", 12345, "", "uri", "kcWxXAK2OAaAoq2oCkaGzX2NMqDB8nCyNuq2fPYCDhk%3D"},
		{"test.azure-devices.net", "c2VjcmV0", 1546308061, "owner", "test.azure-devices.net", "uux4PSAK1s9efNcBHin0pm7O5oENedTWkhqGp8JAyFY%3D"},
		// the same keys without their padding
		{"uri", "cGFzc3dvcmQ", 12345, "", "uri", "kcWxXAK2OAaAoq2oCkaGzX2NMqDB8nCyNuq2fPYCDhk%3D"},
		{"MyExampleHub.azure-devices.net/devices/my-symkey-device", "18RQk/hOPJR9EbsJlk2j8WA6vWaj/yi+oaYg7zmxfQNdOyMSu+SJ8O7TSlZhDJCYmn4rzEiVKIzNiVAWjLxrGA",
			1663119026, "", "MyExampleHub.azure-devices.net%2Fdevices%2Fmy-symkey-device", "f%2BwW8XOKeJOtiPc9Iwjc4OpExvPM7NlhM9qxN2a1aAM%3D"},
	}
	var args [][]any
	for _, c := range cases {
		args = append(args, []any{c.resource, c.key, c.se, c.skn})
	}
	tokens, imports := makeSASOnModule(t, args)
	for i, c := range cases {
		f := tokenFields(t, tokens[i])
		want := map[string]string{"sr": c.sr, "sig": c.sig, "se": jsonString(c.se)}
		if c.skn != "" {
			want["skn"] = c.skn
		}
		if len(f) != len(want) {
			t.Errorf("case %d: fields %v, want %v", i, keys(f), keys(want))
		}
		for k, v := range want {
			if f[k] != v {
				t.Errorf("case %d: %s = %q, want %q", i, k, f[k], v)
			}
		}
	}
	sawHash := false
	for _, name := range imports {
		if name == "hashlib" || name == "hmac" || name == "base64" {
			t.Errorf("the program imports %s", name)
		}
		sawHash = sawHash || name == "uhashlib"
	}
	if !sawHash {
		t.Errorf("the import guard did not see the program's imports: %v", imports)
	}
}

// makeSASOnModule calls qpyhub_app.make_sas(resource, key, expiry,
// key_name) for every case in one round trip, with hashlib, hmac and
// base64 unimportable; it answers the tokens and every import the program
// made.
func makeSASOnModule(t *testing.T, cases [][]any) (tokens, imports []string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	s := startModule(t, ctx, nil, nil)
	code := "import sys, ujson\nsys.path.append('/usr')\nimport qpyhub_harness as h\nh.setup({})\n" +
		"import qpyhub_app\n" +
		"print(ujson.dumps([qpyhub_app.make_sas(r, k, e, n or None) for r, k, e, n in " + pyLiteral(t, cases) + "]))\n" +
		"print(ujson.dumps(h.LOG['imports']))\n"
	out := strings.Split(strings.TrimSpace(mustExec(t, ctx, s, code)), "\n")
	if len(out) != 2 {
		t.Fatalf("unexpected output %q", out)
	}
	if err := json.Unmarshal([]byte(out[0]), &tokens); err != nil || len(tokens) != len(cases) {
		t.Fatalf("tokens %q: %v", out[0], err)
	}
	if err := json.Unmarshal([]byte(out[1]), &imports); err != nil || len(imports) == 0 {
		t.Fatalf("imports %q: %v", out[1], err)
	}
	return tokens, imports
}

func jsonString(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
