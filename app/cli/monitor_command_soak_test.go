package cli

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"qpyhub/cloud"
	"qpyhub/cloud/hubsim"
)

// soakDevice is the device the soak sends to.
const soakDevice = "soak-dev"

// soakMessages is how many messages TestMonitorC2DSoak sends: a few
// thousand in the ordinary test run, QPYHUB_SOAK_MESSAGES from bench/soak.
func soakMessages(t *testing.T) int {
	v := os.Getenv("QPYHUB_SOAK_MESSAGES")
	if v == "" {
		return 3000
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 600 {
		t.Fatalf("QPYHUB_SOAK_MESSAGES=%q: want a number of at least 600", v)
	}
	return n
}

// Cloud-to-device messages sent to `monitor` through the local hub, from
// a back end that POSTs them one by one and, when the hub refuses one
// because the device's queue is full, waits for room and sends it again.
// Every so often the reader of monitor's output stops until the queue is
// full; once, with the queue full, the hub restarts (same address,
// registry and CA, as a user restarts `qpyhub hubsim`). Every message the
// hub accepted arrives exactly once, or the hub named it among those it
// dropped when it closed.
func TestMonitorC2DSoak(t *testing.T) {
	n := soakMessages(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Duration(n)*10*time.Millisecond+60*time.Second)
	defer cancel()
	hub := &soakHub{t: t, registry: filepath.Join(t.TempDir(), "hub.json")}
	hub.start()
	if _, err := hub.hub.AddDevice(soakDevice); err != nil {
		t.Fatal(err)
	}
	caFile := filepath.Join(t.TempDir(), "hub-ca.pem")
	if err := os.WriteFile(caFile, hub.hub.CAPEM(), 0o600); err != nil {
		t.Fatal(err)
	}
	cs, err := hub.hub.DeviceConnectionString(soakDevice)
	if err != nil {
		t.Fatal(err)
	}

	monCtx, stopMonitor := context.WithCancel(ctx)
	defer stopMonitor()
	pr, pw := io.Pipe()
	exit := make(chan int, 1)
	go func() {
		code := runCommand(monCtx, "monitor", []string{"--json", "--ca", caFile, "--server", hub.mqttAddr, "--connection-string", cs}, pw, io.Discard)
		pw.Close()
		exit <- code
	}()
	reader := &soakReader{got: map[string]int{}, progress: make(chan struct{}, 1), refused: make(chan struct{}, 1), sent: make(chan struct{})}
	readDone := make(chan struct{})
	go func() { defer close(readDone); reader.run(ctx, pr, max(n/6, 100)) }()
	if err := hub.hub.WaitConnected(ctx, soakDevice, true); err != nil {
		t.Fatal(err)
	}

	start := time.Now()
	run := hub.send(ctx, n, reader)
	close(reader.sent)
	lost := map[string]hubsim.DroppedC2D{}
	for _, d := range run.dropped {
		lost[d.MessageID] = d
	}
	reader.waitFor(ctx, t, run.accepted, lost)
	elapsed := time.Since(start)
	stopMonitor()
	<-readDone
	if code := <-exit; code != 0 {
		t.Errorf("monitor exit = %d", code)
	}
	checkSoak(t, run, reader.got, lost)
	t.Logf("soak: %d messages accepted, %d POSTs refused (queue full) and sent again, hub restarted once and named %d messages it dropped (%d of them already sent); %d arrived, each once, in %v (%.0f messages/s)",
		len(run.accepted), run.refused, len(run.dropped), countSent(run.dropped), len(reader.got), elapsed.Round(time.Millisecond), float64(len(reader.got))/elapsed.Seconds())
}

// checkSoak holds the soak to its promise: each accepted message arrived
// once or was named by the hub; nothing arrived twice or unasked.
func checkSoak(t *testing.T, run soakRun, got map[string]int, lost map[string]hubsim.DroppedC2D) {
	t.Helper()
	if run.refused == 0 || !run.restarted {
		t.Fatalf("the soak never filled the queue (%d refusals) or restarted the hub (%v)", run.refused, run.restarted)
	}
	accepted := map[string]bool{}
	for _, mid := range run.accepted {
		accepted[mid] = true
		d, named := lost[mid]
		switch c := got[mid]; {
		case c > 1:
			t.Errorf("%s arrived %d times", mid, c)
		case c == 0 && !named:
			t.Errorf("%s was accepted, never arrived, and the hub did not name it", mid)
		case c == 1 && named && !d.Sent:
			t.Errorf("%s arrived although the hub said it never sent it", mid)
		}
	}
	for mid := range got {
		if !accepted[mid] {
			t.Errorf("%s arrived but the hub never accepted it", mid)
		}
	}
}

func countSent(dropped []hubsim.DroppedC2D) int {
	n := 0
	for _, d := range dropped {
		if d.Sent {
			n++
		}
	}
	return n
}

// soakHub is the local hub on fixed loopback ports with its registry in a
// file, so that a restart keeps its address, devices, keys and CA.
type soakHub struct {
	t                  *testing.T
	registry           string
	mqttAddr, httpAddr string
	hub                *hubsim.Server
}

func (h *soakHub) start() {
	h.t.Helper()
	cfg := hubsim.Config{HostName: "localhost", MQTTAddr: "127.0.0.1:0", HTTPAddr: "127.0.0.1:0", RegistryFile: h.registry}
	if h.mqttAddr != "" {
		cfg.MQTTAddr, cfg.HTTPAddr = h.mqttAddr, h.httpAddr
	}
	hub, err := hubsim.New(cfg)
	if err != nil {
		h.t.Fatal(err)
	}
	if err := hub.Start(context.Background()); err != nil {
		h.t.Fatal(err)
	}
	if h.hub == nil {
		h.t.Cleanup(func() { _ = h.hub.Close() })
	}
	h.hub = hub
	h.mqttAddr, h.httpAddr = hub.MQTTAddr(), strings.TrimPrefix(hub.HTTPURL(), "https://")
}

// soakRun is what the back end saw.
type soakRun struct {
	accepted  []string // message ids the hub accepted, in order
	refused   int      // POSTs refused because the queue was full
	restarted bool
	dropped   []hubsim.DroppedC2D // what the hub named when it closed
}

// send POSTs n messages in order. A refused one is sent again once the
// queue has room; at the first refusal past the middle, the hub restarts.
func (h *soakHub) send(ctx context.Context, n int, reader *soakReader) soakRun {
	h.t.Helper()
	var run soakRun
	post := newC2DPoster(h.t, h.hub)
	for i := 0; i < n; i++ {
		mid := fmt.Sprintf("soak-%07d", i)
		for {
			status, err := post(ctx, mid)
			if err != nil {
				h.t.Fatalf("POST %s: %v", mid, err)
			}
			if status == http.StatusNoContent {
				run.accepted = append(run.accepted, mid)
				break
			}
			if status != http.StatusForbidden {
				h.t.Fatalf("POST %s: status %d", mid, status)
			}
			run.refused++
			if i >= n/2 && !run.restarted {
				_ = h.hub.Close()
				run.dropped = h.hub.DroppedC2D()
				h.start()
				post = newC2DPoster(h.t, h.hub)
				run.restarted = true
			}
			notifySoak(reader.refused)
			if err := h.hub.WaitC2DQueue(ctx, soakDevice, 49); err != nil {
				h.t.Fatal(err)
			}
		}
	}
	return run
}

// newC2DPoster returns a function that POSTs one cloud-to-device message
// with the given id, as a back end does, and returns the HTTP status.
func newC2DPoster(t *testing.T, hub *hubsim.Server) func(context.Context, string) (int, error) {
	t.Helper()
	policy, err := cloud.ParseConnectionString(hub.PolicyConnectionString("service"))
	if err != nil {
		t.Fatal(err)
	}
	auth, err := cloud.NewSASToken(hub.HostName(), policy.SharedAccessKey, policy.SharedAccessKeyName, time.Now().Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	roots.AppendCertsFromPEM(hub.CAPEM())
	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{
		TLSClientConfig: &tls.Config{RootCAs: roots, ServerName: "localhost", MinVersion: tls.VersionTLS12},
	}}
	url := hub.HTTPURL() + "/devices/" + soakDevice + "/messages/deviceBound?api-version=2021-04-12"
	return func(ctx context.Context, mid string) (int, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, strings.NewReader(mid))
		if err != nil {
			return 0, err
		}
		req.Header.Set("Authorization", auth)
		req.Header.Set("iothub-messageid", mid)
		resp, err := client.Do(req)
		if err != nil {
			return 0, err
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode, nil
	}
}

// soakReader reads monitor's JSON lines and counts the messages by id.
// Every stallEvery messages it stops reading, as a slow consumer would,
// until the back end was refused (the queue is full) or is done.
type soakReader struct {
	mu       sync.Mutex
	got      map[string]int
	progress chan struct{} // a message arrived
	refused  chan struct{} // the back end was refused
	sent     chan struct{} // closed when the back end is done
}

func (r *soakReader) run(ctx context.Context, out io.Reader, stallEvery int) {
	sc := bufio.NewScanner(out)
	count := 0
	for sc.Scan() {
		var line struct {
			Type   string `json:"type"`
			System struct {
				MessageID string `json:"messageId"`
			} `json:"system"`
		}
		if json.Unmarshal(sc.Bytes(), &line) != nil || line.Type != "c2d" {
			continue
		}
		r.mu.Lock()
		r.got[line.System.MessageID]++
		r.mu.Unlock()
		notifySoak(r.progress)
		if count++; count%stallEvery == 0 {
			drainSoak(r.refused)
			select {
			case <-r.refused:
			case <-r.sent:
			case <-ctx.Done():
			}
		}
	}
	_, _ = io.Copy(io.Discard, out) // let monitor finish writing
}

// waitFor waits until every accepted message the hub did not name as
// dropped has arrived.
func (r *soakReader) waitFor(ctx context.Context, t *testing.T, accepted []string, lost map[string]hubsim.DroppedC2D) {
	t.Helper()
	for {
		missing := 0
		r.mu.Lock()
		for _, mid := range accepted {
			if _, named := lost[mid]; r.got[mid] == 0 && !named {
				missing++
			}
		}
		r.mu.Unlock()
		if missing == 0 {
			return
		}
		select {
		case <-r.progress:
		case <-ctx.Done():
			t.Fatalf("%d accepted messages never arrived", missing)
		}
	}
}

func notifySoak(ch chan struct{}) {
	select {
	case ch <- struct{}{}:
	default:
	}
}

func drainSoak(ch chan struct{}) {
	select {
	case <-ch:
	default:
	}
}
