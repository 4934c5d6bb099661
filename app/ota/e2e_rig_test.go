//go:build linux

// The end-to-end tests of updates run the library on the MicroPython
// peer (a Linux pseudo-terminal) against the local hub over TLS.

package ota

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"go.bug.st/serial"

	"qpyhub/assets"
	"qpyhub/cloud/hubsim"
	"qpyhub/cloud/registry"
	"qpyhub/device/modfs"
	"qpyhub/device/repl"
	"qpyhub/device/testpeer"
)

// rigTimeout bounds one whole update on the peer.
const rigTimeout = 3 * time.Minute

const deviceID = "ota-dev"

// appMain is a customer's main.py on the library: it says which main.py
// and which app.py run (a mix of versions shows as two numbers), then
// stays online.
const appMain = `from usr import qpyhub, app
print('APP main=%s app=%s' % ('{V}', app.VERSION))
{EXTRA}
hub = qpyhub.Hub()
hub.connect()
hub.run()
`

// version is the application files of version v (paths under /usr);
// extra goes into main.py before it connects.
func version(v, extra string) map[string][]byte {
	data := make([]byte, 24000)
	for i := range data {
		data[i] = byte(i*7 + len(v)*13 + int(v[0]))
	}
	return map[string][]byte{
		"/usr/main.py":       []byte(strings.NewReplacer("{V}", v, "{EXTRA}", extra).Replace(appMain)),
		"/usr/app.py":        []byte("VERSION = '" + v + "'\n"),
		"/usr/data/blob.bin": data,
	}
}

// rig is a module running version 1 of an application on the library,
// online with the local hub.
type rig struct {
	t    *testing.T
	ctx  context.Context
	hub  *hubsim.Server
	reg  *registry.Client
	peer *testpeer.Peer
	con  *console
}

func newRig(t *testing.T, trial int, scenario map[string]any, v1 map[string][]byte) *rig {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), rigTimeout)
	t.Cleanup(cancel)
	hub, err := hubsim.New(hubsim.Config{HostName: "localhost", MQTTAddr: "127.0.0.1:0", HTTPAddr: "127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	if err := hub.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = hub.Close() })
	dev, err := hub.AddDevice(deviceID)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(hub.CAPEM())
	reg, err := registry.New(hub.PolicyConnectionString("iothubowner"), registry.Options{BaseURL: hub.HTTPURL(), RootCAs: pool})
	if err != nil {
		t.Fatal(err)
	}
	_, port, _ := strings.Cut(hub.MQTTAddr(), ":")
	portNum, err := strconv.Atoi(port)
	if err != nil {
		t.Fatal(err)
	}
	cfg, _ := json.Marshal(map[string]any{
		"version": 1, "device_id": deviceID, "host": "localhost", "port": portNum,
		"auth": "key", "key": dev.PrimaryKey, "ca": string(hub.CAPEM()), "ota_trial": trial,
	})
	files := map[string][]byte{
		"qpyhub.py":          assets.ModuleLibrary(),
		"qpyhub_ota.py":      assets.ModuleOTA(),
		"qpyhub_guard.py":    assets.ModuleGuard(),
		"qpyhub_config.json": cfg,
	}
	for p, b := range v1 {
		files[strings.TrimPrefix(p, "/usr/")] = b
	}
	peer, err := testpeer.Start(ctx, testpeer.Options{Files: files, Scenario: scenario, RunMainAtBoot: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { peer.Close() })
	r := &rig{t: t, ctx: ctx, hub: hub, reg: reg, peer: peer, con: openConsole(t, peer.Path())}
	return r
}

// desire hosts the files on the hub and sets desired.qpyhub.ota; wrong
// gives paths whose sha256 is announced wrong.
func (r *rig) desire(v string, files map[string][]byte, retry int, wrong ...string) {
	r.t.Helper()
	var list []map[string]any
	for _, p := range slices.Sorted(maps.Keys(files)) {
		url, err := r.hub.HostFile(files[p])
		if err != nil {
			r.t.Fatal(err)
		}
		sum := sha256.Sum256(files[p])
		digest := hex.EncodeToString(sum[:])
		for _, w := range wrong {
			if w == p {
				bad := sha256.Sum256(append([]byte("not "), files[p]...))
				digest = hex.EncodeToString(bad[:])
			}
		}
		list = append(list, map[string]any{"path": p, "url": url, "size": len(files[p]), "sha256": digest})
	}
	desired := map[string]any{TwinSection: map[string]any{TwinKey: map[string]any{"version": v, "files": list, "retry": retry}}}
	if _, err := r.reg.UpdateTwin(r.ctx, deviceID, desired, nil); err != nil {
		r.t.Fatal(err)
	}
}

// reported answers reported.qpyhub.ota as the hub has it.
func (r *rig) reported() Reported {
	r.t.Helper()
	doc, err := r.hub.Twin(deviceID)
	if err != nil {
		r.t.Fatal(err)
	}
	var twin struct {
		Properties struct {
			Reported struct {
				Qpyhub struct {
					OTA Reported `json:"ota"`
				} `json:"qpyhub"`
			} `json:"reported"`
		} `json:"properties"`
	}
	if err := json.Unmarshal(doc, &twin); err != nil {
		r.t.Fatal(err)
	}
	return twin.Properties.Reported.Qpyhub.OTA
}

// waitFinal waits until the module says it reported how the update to
// version v ended, and answers reported.qpyhub.ota from the hub.
func (r *rig) waitFinal(v string) Reported {
	r.t.Helper()
	r.con.waitFor(r.ctx, r.t, regexp.MustCompile(`QPYHUB ota \w+ version=`+regexp.QuoteMeta(v)+` state=\S+ reported=1`))
	return r.reported()
}

// files reads every file under /usr (with the update's folder) after
// stopping the program with Ctrl-C.
func (r *rig) files() map[string][]byte {
	r.t.Helper()
	r.con.close()
	s, err := repl.Open(r.ctx, r.peer.Path(), repl.Options{})
	if err != nil {
		r.t.Fatal(err)
	}
	defer s.Close()
	fs := modfs.New(s, modfs.Options{})
	out := map[string][]byte{}
	var walk func(dir string)
	walk = func(dir string) {
		entries, err := fs.List(r.ctx, dir)
		if err != nil {
			r.t.Fatal(err)
		}
		for _, e := range entries {
			p := dir + "/" + e.Name
			if e.IsDir {
				walk(p)
				continue
			}
			var b bytes.Buffer
			if _, err := fs.Get(r.ctx, p, &b, nil); err != nil {
				r.t.Fatal(err)
			}
			out[p] = b.Bytes()
		}
	}
	walk("/usr")
	return out
}

// wantVersion fails unless the application files on the module are
// exactly version want's, and nothing of an update is left over.
func (r *rig) wantVersion(got, want map[string][]byte) {
	r.t.Helper()
	for p, b := range want {
		if !bytes.Equal(got[p], b) {
			r.t.Errorf("%s on the module is not the expected version's (%d bytes)", p, len(got[p]))
		}
	}
	for p := range got {
		if strings.HasPrefix(p, StateDir+"/") && !strings.HasSuffix(p, "/status.json") {
			r.t.Errorf("left over after the update: %s", p)
		}
	}
}

// appLines answers the APP lines the module printed, and fails on one
// that shows a mix of versions.
func (r *rig) appLines() []string {
	r.t.Helper()
	var out []string
	for _, m := range regexp.MustCompile(`APP main=(\S+) app=(\S+)`).FindAllStringSubmatch(r.con.text(), -1) {
		if m[1] != m[2] {
			r.t.Errorf("the module ran a mix of versions: main.py %s with app.py %s", m[1], m[2])
		}
		out = append(out, m[1])
	}
	return out
}

// console keeps what the module prints and wakes waiters on each read.
type console struct {
	port serial.Port
	mu   sync.Mutex
	buf  []byte
	news chan struct{} // closed and replaced on every read
	done chan struct{}
}

func openConsole(t *testing.T, path string) *console {
	t.Helper()
	port, err := serial.Open(path, &serial.Mode{BaudRate: 115200})
	if err != nil {
		t.Fatal(err)
	}
	c := &console{port: port, news: make(chan struct{}), done: make(chan struct{})}
	go c.read()
	t.Cleanup(c.close)
	return c
}

func (c *console) read() {
	defer close(c.done)
	b := make([]byte, 4096)
	for {
		n, err := c.port.Read(b)
		c.mu.Lock()
		c.buf = append(c.buf, b[:n]...)
		close(c.news)
		c.news = make(chan struct{})
		c.mu.Unlock()
		if err != nil || n == 0 {
			return
		}
	}
}

func (c *console) close() {
	select {
	case <-c.done:
		return
	default:
	}
	c.port.Close()
	<-c.done
}

func (c *console) text() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return string(c.buf)
}

// waitFor waits until the output matches re; answers the match.
func (c *console) waitFor(ctx context.Context, t *testing.T, re *regexp.Regexp) string {
	t.Helper()
	for {
		c.mu.Lock()
		ch := c.news
		m := re.FindString(string(c.buf))
		c.mu.Unlock()
		if m != "" {
			return m
		}
		select {
		case <-ch:
		case <-ctx.Done():
			t.Fatalf("waiting for %q: %v\n%s", re, ctx.Err(), c.text())
		}
	}
}

// waitCount waits until re matched n times.
func (c *console) waitCount(ctx context.Context, t *testing.T, re *regexp.Regexp, n int) {
	t.Helper()
	for {
		c.mu.Lock()
		ch := c.news
		got := len(re.FindAllString(string(c.buf), -1))
		c.mu.Unlock()
		if got >= n {
			return
		}
		select {
		case <-ch:
		case <-ctx.Done():
			t.Fatalf("waiting for %d of %q: %v\n%s", n, re, ctx.Err(), c.text())
		}
	}
}
