//go:build linux

package moduleapp

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

// Bad configs are refused by load_config with one line naming the field,
// and run() prints it as "QPYHUB config fail …" and returns without a
// traceback and without touching the network.
func TestBadConfigs(t *testing.T) {
	t.Parallel()
	good := func(mod func(map[string]any)) string {
		doc := map[string]any{"version": 1, "device_id": "dev1", "host": "h.azure-devices.net", "port": 8883,
			"auth": "key", "key": testKey, "token_ttl": 3600, "dps": nil, "ca": "", "heartbeat": 60, "time_offset": 0}
		if mod != nil {
			mod(doc)
		}
		b, _ := json.Marshal(doc)
		return string(b)
	}
	cases := []struct {
		name, doc, field string
	}{
		{"not JSON", "{version: 1", "config"},
		{"not an object", "[1]", "config"},
		{"no device id", good(func(d map[string]any) { delete(d, "device_id") }), "device_id"},
		{"empty host", good(func(d map[string]any) { d["host"] = " " }), "host"},
		{"key mode without key", good(func(d map[string]any) { delete(d, "key") }), "key"},
		{"key not base64", good(func(d map[string]any) { d["key"] = "not base64 at all!" }), "key"},
		{"token mode without token", good(func(d map[string]any) { d["auth"] = "token" }), "token"},
		{"token not a SAS", good(func(d map[string]any) { d["auth"], d["token"] = "token", "abc" }), "token"},
		{"unknown auth", good(func(d map[string]any) { d["auth"] = "x509" }), "auth"},
		{"port text", good(func(d map[string]any) { d["port"] = "8883" }), "port"},
		{"port zero", good(func(d map[string]any) { d["port"] = 0 }), "port"},
		{"port too big", good(func(d map[string]any) { d["port"] = 70000 }), "port"},
		{"port true", good(func(d map[string]any) { d["port"] = true }), "port"},
		{"version 2", good(func(d map[string]any) { d["version"] = 2 }), "version"},
		{"no version", good(func(d map[string]any) { delete(d, "version") }), "version"},
		{"heartbeat 0", good(func(d map[string]any) { d["heartbeat"] = 0 }), "heartbeat"},
		{"dps without scope", good(func(d map[string]any) { d["dps"] = map[string]any{"registration_id": "r"} }), "dps.id_scope"},
		{"dps not object", good(func(d map[string]any) { d["dps"] = "yes" }), "dps"},
		{"dps with token", good(func(d map[string]any) {
			d["dps"], d["auth"], d["token"] = map[string]any{"id_scope": "0ne1", "registration_id": "r"}, "token", "SharedAccessSignature sr=a&sig=b&se=1"
		}), "auth"},
		{"ca not PEM", good(func(d map[string]any) { d["ca"] = "hello" }), "ca"},
		{"good", good(nil), ""},
	}
	var docs []string
	for _, c := range cases {
		docs = append(docs, c.doc)
	}
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	s := startModule(t, ctx, nil, nil)
	code := `import sys, ujson
sys.path.append('/usr')
import qpyhub_harness as h
h.setup({'net': [[1, 0]]})
import qpyhub_app
for i, doc in enumerate(` + pyLiteral(t, docs) + `):
    f = open('/usr/c.json', 'w')
    f.write(doc)
    f.close()
    try:
        qpyhub_app.load_config('/usr/c.json')
        print('CASE accepted')
    except ValueError as e:
        print('CASE ' + str(e))
    qpyhub_app.run('/usr/c.json', max_loops=1)
h.dump()
`
	out := mustExec(t, ctx, s, code)
	var got [][]string // per case: load_config's answer, then run's lines
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		if msg, ok := strings.CutPrefix(line, "CASE "); ok {
			got = append(got, []string{msg})
		} else if len(got) > 0 && !strings.HasPrefix(line, "HARNESS-LOG ") {
			got[len(got)-1] = append(got[len(got)-1], line)
		}
	}
	if len(got) != len(cases) {
		t.Fatalf("%d answers for %d cases:\n%s", len(got), len(cases), out)
	}
	for i, c := range cases {
		msg, lines := got[i][0], got[i][1:]
		if c.field == "" {
			if msg != "accepted" || len(lines) == 0 || !strings.HasPrefix(lines[0], "QPYHUB config ok") {
				t.Errorf("%s: %q %q", c.name, msg, lines)
			}
			continue
		}
		if !strings.HasPrefix(msg, c.field+": ") || strings.Contains(msg, "\n") {
			t.Errorf("%s: load_config said %q, want a line starting %q", c.name, msg, c.field+": ")
		}
		if strings.Contains(msg, testKey) {
			t.Errorf("%s: the error shows the key", c.name)
		}
		if len(lines) != 1 || lines[0] != "QPYHUB config fail "+msg {
			t.Errorf("%s: run printed %q, want just %q", c.name, lines, "QPYHUB config fail "+msg)
		}
		if st, ok := ParseStatusLine(lines[0]); !ok || st.Stage != StageConfig || st.State != StateFail {
			t.Errorf("%s: %q is not a config fail status line", c.name, lines[0])
		}
	}
}

// A missing config file is a config failure too, not a traceback.
func TestMissingConfig(t *testing.T) {
	t.Parallel()
	r := runProgram(t, nil, map[string]any{"net": [][]int{{3, 1}}}, 1)
	if len(r.status) != 1 || r.status[0].Stage != "config" || r.status[0].State != "fail" ||
		!strings.Contains(r.status[0].Detail, "cannot read /usr/qpyhub_config.json") {
		t.Fatalf("status lines:\n%s", r.lines())
	}
	if len(r.rec.Connects) != 0 || r.rec.NetCalls != 0 {
		t.Errorf("the program went on without a config")
	}
}

// The PC and the module judge a config by the same rules: at each bound
// of every number, Config.JSON and the program's check_config both take
// the value or both refuse it, naming the same field.
func TestConfigRulesMatchTheProgram(t *testing.T) {
	t.Parallel()
	type probe struct {
		field string
		value int64
		set   func(*Config, int64)
	}
	var probes []probe
	bounds := []struct {
		field  string
		lo, hi int64
		set    func(*Config, int64)
	}{
		{"port", 1, 65535, func(c *Config, v int64) { c.Port = int(v) }},
		{"token_ttl", 5, 31536000, func(c *Config, v int64) { c.TokenTTL = int(v) }},
		{"heartbeat", 5, 86400, func(c *Config, v int64) { c.Heartbeat = int(v) }},
		{"keepalive", 30, 1177, func(c *Config, v int64) { c.Keepalive = int(v) }},
		{"time_offset", -4e9, 4e9, func(c *Config, v int64) { c.TimeOffset = v }},
	}
	for _, b := range bounds {
		for _, v := range []int64{b.lo - 1, b.lo, b.hi, b.hi + 1} {
			if v != 0 { // zero is "unset" in Go: the default
				probes = append(probes, probe{b.field, v, b.set})
			}
		}
	}
	var docs []string
	for _, p := range probes {
		c := Config{DeviceID: "dev1", Host: "h.azure-devices.net", Auth: AuthKey, Key: testKey}.withDefaults()
		p.set(&c, p.value)
		b, err := json.Marshal(c) // written as is, not through JSON()'s check
		if err != nil {
			t.Fatal(err)
		}
		docs = append(docs, string(b))
	}
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	s := startModule(t, ctx, nil, nil)
	out := mustExec(t, ctx, s, `import sys, ujson
sys.path.append('/usr')
import qpyhub_app
for doc in `+pyLiteral(t, docs)+`:
    try:
        qpyhub_app.check_config(ujson.loads(doc))
        print('CASE ok')
    except ValueError as e:
        print('CASE ' + str(e).split(':')[0])
`)
	answers := strings.Split(strings.TrimSpace(out), "\n")
	if len(answers) != len(probes) {
		t.Fatalf("%d answers for %d probes:\n%s", len(answers), len(probes), out)
	}
	for i, p := range probes {
		c := Config{DeviceID: "dev1", Host: "h.azure-devices.net", Auth: AuthKey, Key: testKey}
		p.set(&c, p.value)
		goSays := "ok"
		if _, err := c.JSON(); err != nil {
			var fe *FieldError
			if !errors.As(err, &fe) {
				t.Fatalf("%s=%d: %v", p.field, p.value, err)
			}
			goSays = fe.Field
		}
		if got := strings.TrimPrefix(answers[i], "CASE "); got != goSays {
			t.Errorf("%s=%d: the program says %q, the PC says %q", p.field, p.value, got, goSays)
		}
	}
}
