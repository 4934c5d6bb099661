//go:build linux

// The test peer runs on a Linux pseudo-terminal.

package moduleapp

import (
	"context"
	_ "embed"
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"qpyhub/assets"
	"qpyhub/device/repl"
	"qpyhub/device/testpeer"
)

// harness holds the recording stand-ins; see the file itself.
//
//go:embed testdata/harness.py
var harness []byte

// testTimeout bounds every exchange with a peer.
const testTimeout = 60 * time.Second

// startModule runs a peer with the program, the harness and the config
// under /usr, and opens its REPL.
func startModule(t *testing.T, ctx context.Context, config []byte, scenario map[string]any) *repl.Session {
	t.Helper()
	files := map[string][]byte{
		"qpyhub.py":         assets.ModuleLibrary(),
		"qpyhub_app.py":     assets.ModuleProgram(),
		"qpyhub_harness.py": harness,
	}
	if config != nil {
		files["qpyhub_config.json"] = config
	}
	p, err := testpeer.Start(ctx, testpeer.Options{Files: files, Scenario: scenario})
	if err != nil {
		t.Fatalf("start peer: %v", err)
	}
	t.Cleanup(func() { p.Close() })
	s, err := repl.Open(ctx, p.Path(), repl.Options{})
	if err != nil {
		t.Fatalf("open %s: %v (peer stderr: %s)", p.Path(), err, p.Stderr())
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// exec runs code on the module and fails the test on a traceback.
func mustExec(t *testing.T, ctx context.Context, s *repl.Session, code string) string {
	t.Helper()
	res, err := s.Exec(ctx, code)
	if err != nil {
		t.Fatalf("exec: %v\nstdout:\n%s\nstderr:\n%s", err, res.Stdout, res.Stderr)
	}
	if res.Stderr != "" {
		t.Fatalf("the module printed errors:\n%s", res.Stderr)
	}
	return res.Stdout
}

// pyLiteral makes v a Python expression: ujson.loads of its JSON.
func pyLiteral(t *testing.T, v any) string {
	t.Helper()
	doc, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	lit, err := json.Marshal(string(doc)) // a JSON string is a Python string literal
	if err != nil {
		t.Fatal(err)
	}
	return "ujson.loads(" + string(lit) + ")"
}

// Record is what the harness saw the program do.
type record struct {
	Connects []struct {
		ClientID  string            `json:"client_id"`
		Server    string            `json:"server"`
		Port      int               `json:"port"`
		User      string            `json:"user"`
		Password  string            `json:"password"`
		Keepalive int               `json:"keepalive"`
		SSL       bool              `json:"ssl"`
		SSLParams map[string]string `json:"ssl_params"`
		Reconn    bool              `json:"reconn"`
		Clean     bool              `json:"clean"`
		T         float64           `json:"t"` // seconds of the harness clock since the start
	} `json:"connects"`
	Subs []struct {
		Client string `json:"client"`
		Topic  string `json:"topic"`
		QoS    int    `json:"qos"`
	} `json:"subs"`
	Pubs        []publish `json:"pubs"`
	Lost        []publish `json:"lost"` // published into a connection the server had dropped
	Sleeps      []float64 `json:"sleeps"`
	Pings       int       `json:"pings"`
	Disconnects int       `json:"disconnects"`
	NetCalls    int       `json:"net_calls"`
	Imports     []string  `json:"imports"`
}

type publish struct {
	Topic string `json:"topic"`
	Msg   string `json:"msg"`
	QoS   int    `json:"qos"`
}

// runResult is one run of the program.
type runResult struct {
	out    string // everything the module printed
	status []StatusLine
	rec    record
}

// runProgram starts a module with config and runs qpyhub_app.run for at
// most maxLoops waits, with the stand-ins set up by harness (keys of
// Broker, Clock and CheckNet in testdata/harness.py).
func runProgram(t *testing.T, config []byte, harnessScenario map[string]any, maxLoops int) runResult {
	t.Helper()
	return runProgramOn(t, nil, config, harnessScenario, maxLoops)
}

// runProgramOn is runProgram on a peer whose QuecPython stand-ins follow
// peerScenario.
func runProgramOn(t *testing.T, peerScenario map[string]any, config []byte, harnessScenario map[string]any, maxLoops int) runResult {
	t.Helper()
	return runBootsOn(t, peerScenario, config, []map[string]any{harnessScenario}, maxLoops)[0]
}

// runBoots runs the program once per harness scenario on one module, as
// if it rebooted in between: the files it wrote stay, the modules it
// imported (and the stand-ins) are loaded afresh.
func runBoots(t *testing.T, config []byte, boots []map[string]any, maxLoops int) []runResult {
	t.Helper()
	return runBootsOn(t, nil, config, boots, maxLoops)
}

func runBootsOn(t *testing.T, peerScenario map[string]any, config []byte, boots []map[string]any, maxLoops int) []runResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	s := startModule(t, ctx, config, peerScenario)
	var out []runResult
	for _, sc := range boots {
		code := "import sys, ujson, builtins\nsys.path.append('/usr')\n" +
			"old = sys.modules.get('qpyhub_harness')\n" +
			"if old:\n    builtins.__import__ = old._real_import\n" +
			"for m in ('qpyhub_harness', 'qpyhub_app', 'qpyhub'):\n    sys.modules.pop(m, None)\n" +
			"import qpyhub_harness as h\n" +
			"h.setup(" + pyLiteral(t, sc) + ")\n" +
			"import qpyhub_app\nqpyhub_app.run('/usr/qpyhub_config.json', max_loops=" + strconv.Itoa(maxLoops) + ")\nh.dump()\n"
		out = append(out, parseRun(t, mustExec(t, ctx, s, code)))
	}
	return out
}

// parseRun splits what one run printed into the harness record and the
// status lines.
func parseRun(t *testing.T, out string) runResult {
	t.Helper()
	var r runResult
	for _, line := range strings.Split(out, "\n") {
		if doc, ok := strings.CutPrefix(line, "HARNESS-LOG "); ok {
			if err := json.Unmarshal([]byte(doc), &r.rec); err != nil {
				t.Fatalf("harness record: %v\n%s", err, doc)
			}
			continue
		}
		r.out += line + "\n"
		if st, ok := ParseStatusLine(line); ok {
			r.status = append(r.status, st)
		}
	}
	return r
}

func (r runResult) lines() string {
	var b strings.Builder
	for _, st := range r.status {
		b.WriteString("  " + st.Stage + " " + st.State + " " + st.Detail + "\n")
	}
	return b.String()
}

// find answers the status lines of stage and state.
func (r runResult) find(stage, state string) []StatusLine {
	var out []StatusLine
	for _, st := range r.status {
		if st.Stage == stage && st.State == state {
			out = append(out, st)
		}
	}
	return out
}

// wantOrder checks that the given stage/state pairs appear in this order
// (other lines may come between).
func (r runResult) wantOrder(t *testing.T, want ...string) {
	t.Helper()
	i := 0
	for _, st := range r.status {
		if i < len(want) && st.Stage+" "+st.State == want[i] {
			i++
		}
	}
	if i < len(want) {
		t.Fatalf("status lines lack %q in order %q; got:\n%s", want[i], want, r.lines())
	}
}
