//go:build linux

// The module program (assets/module) on the test peer against the local
// hub: TLS as each kind of firmware does it, and staying online through a
// hub restart and through token renewals. It lives here because device/
// never imports cloud/, not even in tests.

package e2e

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"qpyhub/assets"
	"qpyhub/cloud/hubsim"
	"qpyhub/device/moduleapp"
	"qpyhub/device/repl"
	"qpyhub/device/testpeer"
)

// progKeepalive is the MQTT keepalive of the programs run here (the
// config's smallest); progHeartbeat their heartbeat interval.
const (
	progKeepalive = 30
	progHeartbeat = 5
)

// programRun is the module program running on a peer.
type programRun struct {
	ctx   context.Context
	s     *repl.Session
	peer  *testpeer.Peer
	lines []moduleapp.StatusLine
	apps  []appLine    // of an application's own (modulelibrary_peer_test.go)
	taken map[int]bool // apps already answered by awaitApp
}

// startProgramHub starts a local hub with device deviceID.
func startProgramHub(t *testing.T, ctx context.Context, cfg hubsim.Config) (*hubsim.Server, hubsim.DeviceRecord) {
	t.Helper()
	if cfg.MQTTAddr == "" {
		cfg.MQTTAddr = "127.0.0.1:0"
	}
	hub, err := hubsim.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := hub.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { hub.Close() })
	dev, ok := hub.Device(deviceID)
	if !ok {
		if dev, err = hub.AddDevice(deviceID); err != nil {
			t.Fatal(err)
		}
	}
	return hub, dev
}

// programConfig is a config for the device on hub, checked against ca.
func programConfig(t *testing.T, hub *hubsim.Server, dev hubsim.DeviceRecord, ca string, mod func(*moduleapp.Config)) []byte {
	t.Helper()
	_, port, err := net.SplitHostPort(hub.MQTTAddr())
	if err != nil {
		t.Fatal(err)
	}
	p, err := strconv.Atoi(port)
	if err != nil {
		t.Fatal(err)
	}
	c := moduleapp.Config{DeviceID: dev.DeviceID, Host: hub.HostName(), Port: p, Auth: moduleapp.AuthKey,
		Key: dev.PrimaryKey, CA: ca, Heartbeat: progHeartbeat, Keepalive: progKeepalive}
	if mod != nil {
		mod(&c)
	}
	b, err := c.JSON()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// startProgram boots a peer whose main.py runs the program with config.
func startProgram(t *testing.T, ctx context.Context, scenario map[string]any, config []byte) *programRun {
	t.Helper()
	return startOnPeer(t, ctx, scenario, map[string][]byte{
		"main.py":            assets.ModuleMain(),
		"qpyhub_app.py":      assets.ModuleProgram(),
		"qpyhub_config.json": config,
	})
}

// startOnPeer boots a peer with files and the library under /usr, which
// runs its main.py.
func startOnPeer(t *testing.T, ctx context.Context, scenario map[string]any, files map[string][]byte) *programRun {
	t.Helper()
	files["qpyhub.py"] = assets.ModuleLibrary()
	p, err := testpeer.Start(ctx, testpeer.Options{Scenario: scenario, Files: files})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	s, err := repl.Open(ctx, p.Path(), repl.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if _, err := s.SoftReset(ctx); err != nil {
		t.Fatal(err)
	}
	return &programRun{ctx: ctx, s: s, peer: p}
}

// await reads the module's status lines until one satisfies want, for at
// most within, and answers it.
func (r *programRun) await(t *testing.T, within time.Duration, what string, want func(moduleapp.StatusLine) bool) moduleapp.StatusLine {
	t.Helper()
	var got moduleapp.StatusLine
	r.read(t, within, what, func(st *moduleapp.StatusLine, _ *appLine) bool {
		if st != nil && want(*st) {
			got = *st
			return true
		}
		return false
	})
	return got
}

// read reads the module's lines, keeping its status lines and an
// application's APP lines, until seen answers true for one, for at most
// within.
func (r *programRun) read(t *testing.T, within time.Duration, what string, seen func(*moduleapp.StatusLine, *appLine) bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(r.ctx, within)
	defer cancel()
	for {
		line, err := r.s.Follow(ctx, "\n")
		if err != nil {
			t.Fatalf("no %s within %v (%v); status lines so far:\n%s", what, within, err, r.text())
		}
		if app, ok := parseAppLine(line); ok {
			r.apps = append(r.apps, app)
			if seen(nil, &r.apps[len(r.apps)-1]) {
				return
			}
			continue
		}
		st, ok := moduleapp.ParseStatusLine(line)
		if !ok {
			if strings.Contains(line, "Traceback") || strings.Contains(line, "Error") {
				t.Errorf("the module printed %q", line)
			}
			continue
		}
		r.lines = append(r.lines, st)
		if seen(&st, nil) {
			return
		}
	}
}

// is matches a line by stage and state.
func is(stage, state string) func(moduleapp.StatusLine) bool {
	return func(st moduleapp.StatusLine) bool { return st.Stage == stage && st.State == state }
}

func (r *programRun) text() string {
	var b strings.Builder
	for _, st := range r.lines {
		fmt.Fprintf(&b, "  %s %s %s\n", st.Stage, st.State, st.Detail)
	}
	return b.String()
}

// find answers the lines seen so far of stage and state.
func (r *programRun) find(stage, state string) []moduleapp.StatusLine {
	var out []moduleapp.StatusLine
	for _, st := range r.lines {
		if st.Stage == stage && st.State == state {
			out = append(out, st)
		}
	}
	return out
}

// online waits for the program to come online and answers its mqtt ok
// line; a fail line before that ends the test.
func (r *programRun) online(t *testing.T) moduleapp.StatusLine {
	t.Helper()
	var mqtt moduleapp.StatusLine
	r.await(t, netTimeout/2, "online ok", func(st moduleapp.StatusLine) bool {
		if st.State == moduleapp.StateFail {
			t.Fatalf("the program failed before coming online:\n%s", r.text())
		}
		if st.Stage == moduleapp.StageMQTT && st.State == moduleapp.StateOK {
			mqtt = st
		}
		return st.Stage == moduleapp.StageOnline && st.State == moduleapp.StateOK
	})
	return mqtt
}

// A v1.12 module (its ussl takes no CA) given the hub's CA comes online
// unchecked and says why; before, the refusal umqtt wraps in a
// ValueError ended the program's attempts. A newer module checks the hub
// against the CA, also when the CA is one of a bundle.
func TestProgramTLSAgainstTheLocalHub(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), netTimeout)
	t.Cleanup(cancel) // after the parallel subtests
	hub, _ := startProgramHub(t, ctx, hubsim.Config{})
	other, err := hubsim.New(hubsim.Config{})
	if err != nil {
		t.Fatal(err)
	}
	ca := string(hub.CAPEM())
	cases := []struct {
		name     string
		scenario map[string]any
		ca       string
		want     string
	}{
		{"v1.12 firmware", map[string]any{"old_firmware": true}, ca, "tls=unverified reason=firmware ussl takes no CA"},
		{"v1.12 firmware, terse build", map[string]any{"ssl_ca_supported": false, "ssl_kwarg_error": "terse"}, ca, "tls=unverified reason=firmware ussl takes no CA"},
		{"newer firmware", nil, ca, "tls=verified"},
		{"newer firmware, a bundle", nil, string(other.CAPEM()) + ca, "tls=verified"},
	}
	for i, tc := range cases {
		// One device each: two modules under one identity take the
		// connection from each other.
		dev, err := hub.AddDevice("tls-" + strconv.Itoa(i))
		if err != nil {
			t.Fatal(err)
		}
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := startProgram(t, ctx, tc.scenario, programConfig(t, hub, dev, tc.ca, nil))
			if got := r.online(t); got.Detail != tc.want {
				t.Errorf("mqtt ok %q, want %q", got.Detail, tc.want)
			}
			r.await(t, netTimeout/2, "a heartbeat", is(moduleapp.StageHeartbeat, moduleapp.StateOK))
		})
	}
}

// A newer module refuses a hub its CA does not cover, and the reason
// names the certificate; it never falls back to an unchecked connection.
func TestProgramRefusesAHubItsCADoesNotCover(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), netTimeout)
	defer cancel()
	hub, dev := startProgramHub(t, ctx, hubsim.Config{})
	other, err := hubsim.New(hubsim.Config{})
	if err != nil {
		t.Fatal(err)
	}
	r := startProgram(t, ctx, nil, programConfig(t, hub, dev, string(other.CAPEM()), nil))
	for i := 0; i < 2; i++ {
		st := r.await(t, netTimeout/2, "mqtt fail", func(st moduleapp.StatusLine) bool {
			if st.State == moduleapp.StateOK && st.Stage == moduleapp.StageMQTT {
				t.Fatalf("connected to a hub its CA does not cover:\n%s", r.text())
			}
			return st.Stage == moduleapp.StageMQTT && st.State == moduleapp.StateFail
		})
		if why := st.Fields["reason"]; !strings.Contains(why, "certificate") {
			t.Errorf("reason %q does not name the certificate", why)
		}
	}
	if hub.Connected(deviceID) {
		t.Error("the hub shows the device connected")
	}
}

// A hub that honours a token not a second past its expiry: the program
// with a token_ttl of a few seconds renews before each runs out and stays
// online across several renewals, and the cloud-to-device messages sent
// meanwhile all arrive.
func TestProgramRenewsShortTokens(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 2*netTimeout)
	defer cancel()
	hub, dev := startProgramHub(t, ctx, hubsim.Config{TokenGrace: 0})
	r := startProgram(t, ctx, nil, programConfig(t, hub, dev, string(hub.CAPEM()), func(c *moduleapp.Config) { c.TokenTTL = 10 }))
	r.online(t)

	// Messages go out every second until the third renewal is over.
	stop := make(chan struct{})
	sent := make(chan []string, 1)
	go sendC2DEverySecond(t, hub, stop, sent)
	renewals := 0
	r.await(t, netTimeout, "three renewals", func(st moduleapp.StatusLine) bool {
		if st.Stage == moduleapp.StageSAS && st.State == moduleapp.StateInfo {
			renewals++
		}
		return renewals == 3 && st.Stage == moduleapp.StageOnline && st.State == moduleapp.StateOK
	})
	close(stop)
	want := <-sent
	seen := map[string]bool{}
	for _, st := range r.find("c2d", "info") {
		seen[st.Detail] = true
	}
	for _, p := range want {
		if !seen[p] {
			r.await(t, netTimeout/2, "C2D message "+p, func(st moduleapp.StatusLine) bool {
				seen[st.Detail] = seen[st.Detail] || st.Stage == moduleapp.StageC2D
				return seen[p]
			})
		}
	}
	if fails := append(r.find("mqtt", "fail"), r.find("sas", "fail")...); len(fails) != 0 {
		t.Errorf("the program went offline:\n%s", r.text())
	}
	if n := len(r.find("mqtt", "ok")); n != 4 {
		t.Errorf("%d connections, want 4 (the first and three renewals):\n%s", n, r.text())
	}
}

// The local hub restarts under a running program (same registry file, so
// the same CA; same address). The program notices the hub going, backs
// off at most a keepalive at a time, and heartbeats resume within two
// keepalive intervals of the hub coming back; a cloud-to-device message
// sent while the module was away reaches it.
func TestProgramRidesOutAHubRestart(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 3*netTimeout)
	defer cancel()
	registry := filepath.Join(t.TempDir(), "registry.json")
	hub1, dev := startProgramHub(t, ctx, hubsim.Config{RegistryFile: registry})
	r := startProgram(t, ctx, nil, programConfig(t, hub1, dev, string(hub1.CAPEM()), nil))
	if got := r.online(t); got.Detail != "tls=verified" {
		t.Fatalf("mqtt ok %q, want tls=verified", got.Detail)
	}
	r.await(t, netTimeout/2, "a heartbeat", is(moduleapp.StageHeartbeat, moduleapp.StateOK))

	addr := hub1.MQTTAddr()
	if err := hub1.Close(); err != nil {
		t.Fatal(err)
	}
	gone := r.await(t, progKeepalive*time.Second, "the module noticing the hub went", is(moduleapp.StageMQTT, moduleapp.StateFail))
	if why := gone.Fields["reason"]; why != "connection closed by the server" {
		t.Errorf("reason %q, want connection closed by the server", why)
	}

	hub2, err := hubsim.New(hubsim.Config{RegistryFile: registry, MQTTAddr: addr})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(hub2.CAPEM(), hub1.CAPEM()) {
		t.Fatal("the restarted hub has another CA")
	}
	// Sent before the hub listens: the module cannot be connected yet.
	if err := hub2.SendC2D(deviceID, hubsim.C2DMessage{Payload: []byte("sent while away")}); err != nil {
		t.Fatal(err)
	}
	if err := hub2.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { hub2.Close() })
	r.await(t, 2*progKeepalive*time.Second, "a heartbeat within two keepalive intervals of the restart",
		is(moduleapp.StageHeartbeat, moduleapp.StateOK))
	if _, err := hub2.WaitTelemetry(ctx, deviceID, func(m hubsim.TelemetryMessage) bool {
		return bytes.Contains(m.Payload, []byte(`"heartbeat"`))
	}); err != nil {
		t.Fatalf("no heartbeat reached the restarted hub: %v", err)
	}
	if len(r.find("c2d", "info")) == 0 {
		r.await(t, netTimeout/2, "the message sent while away", is(moduleapp.StageC2D, moduleapp.StateInfo))
	}
	if got := r.find("c2d", "info")[0].Detail; got != "sent while away" {
		t.Errorf("c2d %q, want the message sent while away", got)
	}
	// The module acknowledged it: the hub holds nothing for it.
	if err := hub2.WaitC2DQueue(ctx, deviceID, 0); err != nil {
		t.Errorf("the message was never acknowledged: %v", err)
	}
}
