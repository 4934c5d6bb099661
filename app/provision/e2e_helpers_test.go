//go:build linux

// The end-to-end tests run the real MicroPython peer on a Linux
// pseudo-terminal and the local hub over TLS.

package provision

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"qpyhub/cloud/hubsim"
	"qpyhub/device/modfs"
	"qpyhub/device/repl"
	"qpyhub/device/testpeer"
)

// startHub runs a local hub with MQTT, DPS and REST on loopback.
func startHub(t *testing.T) *hubsim.Server {
	t.Helper()
	return startHubNamed(t, "")
}

// startHubNamed runs a local hub that calls itself host ("" localhost).
func startHubNamed(t *testing.T, host string) *hubsim.Server {
	t.Helper()
	hub, err := hubsim.New(hubsim.Config{MQTTAddr: "127.0.0.1:0", HTTPAddr: "127.0.0.1:0", HostName: host})
	if err != nil {
		t.Fatal(err)
	}
	if err := hub.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { hub.Close() })
	return hub
}

// startPeer runs one module.
func startPeer(t *testing.T, opts testpeer.Options) *testpeer.Peer {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	p, err := testpeer.Start(ctx, opts)
	if err != nil {
		t.Fatalf("start peer: %v", err)
	}
	t.Cleanup(func() { p.Close() })
	return p
}

// localPlan points a plan at the local hub.
func localPlan(hub *hubsim.Server, p Plan) Plan {
	p.Server, p.CAPEM, p.ServiceURL = hub.MQTTAddr(), hub.CAPEM(), hub.HTTPURL()
	if p.VerifyTimeout == 0 {
		p.VerifyTimeout = 90 * time.Second
	}
	return p
}

// progressLog collects every Progress of a run.
type progressLog struct {
	mu   sync.Mutex
	list []Progress
}

func (l *progressLog) add(p Progress) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.list = append(l.list, p)
}

func (l *progressLog) text() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var b strings.Builder
	for _, p := range l.list {
		b.WriteString(p.Port + " " + p.Stage + " " + p.State + " " + p.Detail + "\n")
	}
	return b.String()
}

// runOne sets up the module at port and answers its Result.
func runOne(t *testing.T, plan Plan, port string) (Result, *progressLog) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	log := &progressLog{}
	res := Run(ctx, plan, []string{port}, log.add)
	if len(res) != 1 {
		t.Fatalf("%d results, want 1", len(res))
	}
	return res[0], log
}

// moduleFiles reads every file under /usr of the module at port.
func moduleFiles(t *testing.T, port string) map[string][]byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	s, err := repl.Open(ctx, port, repl.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	fs := modfs.New(s, modfs.Options{})
	entries, err := fs.List(ctx, "/usr")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	for _, e := range entries {
		if e.IsDir {
			continue
		}
		var b bytes.Buffer
		if _, err := fs.Get(ctx, "/usr/"+e.Name, &b, nil); err != nil {
			t.Fatal(err)
		}
		out[e.Name] = b.Bytes()
	}
	return out
}

// assertNoSecret fails when any secret shows in text.
func assertNoSecret(t *testing.T, what, text string, secrets ...string) {
	t.Helper()
	for _, s := range secrets {
		if s != "" && strings.Contains(text, s) {
			t.Fatalf("%s holds a secret (%d chars)", what, len(s))
		}
	}
}

// keyOf is the primary key of a hub device.
func keyOf(t *testing.T, hub *hubsim.Server, id string) string {
	t.Helper()
	rec, ok := hub.Device(id)
	if !ok {
		t.Fatalf("device %q is not in the hub", id)
	}
	return rec.PrimaryKey
}
