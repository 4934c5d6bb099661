package ota

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"qpyhub/cloud"
	"qpyhub/cloud/blobstore"
	"qpyhub/cloud/blobstore/blobtest"
	"qpyhub/cloud/hubclient"
	"qpyhub/cloud/hubsim"
	"qpyhub/cloud/registry"
)

const waitLimit = 30 * time.Second

func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	t.Cleanup(cancel)
	return ctx
}

// localHub runs a hub with devices and returns it and a registry client
// with policy.
func localHub(t *testing.T, policy string, devices ...string) (*hubsim.Server, *registry.Client) {
	t.Helper()
	var recs []hubsim.DeviceRecord
	for _, id := range devices {
		recs = append(recs, hubsim.DeviceRecord{DeviceID: id})
	}
	hub, err := hubsim.New(hubsim.Config{MQTTAddr: "127.0.0.1:0", HTTPAddr: "127.0.0.1:0", Devices: recs})
	if err != nil {
		t.Fatal(err)
	}
	if err := hub.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = hub.Close() })
	reg, err := registry.New(hub.PolicyConnectionString(policy), registry.Options{BaseURL: hub.HTTPURL(), RootCAs: hubRoots(t, hub)})
	if err != nil {
		t.Fatal(err)
	}
	return hub, reg
}

func hubRoots(t *testing.T, hub *hubsim.Server) *x509.CertPool {
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(hub.CAPEM()) {
		t.Fatal("hub CA is not PEM")
	}
	return pool
}

// testBundle packs a small application.
func testBundle(t *testing.T, version string) *Bundle {
	t.Helper()
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{"main.py": "import app\napp.run()\n", "app/__init__.py": "def run():\n    print('" + version + "')\n"})
	return packed(t, dir, version)
}

// fetch GETs a URL as a module would: no credentials.
func fetch(t *testing.T, u string, roots *x509.CertPool) []byte {
	t.Helper()
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.TLSClientConfig = &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12}
	req, _ := http.NewRequestWithContext(testContext(t), http.MethodGet, u, nil)
	resp, err := (&http.Client{Transport: tr}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %v", u, resp.StatusCode, err)
	}
	return b
}

// desiredOn reads a device's desired.qpyhub.ota.
func desiredOn(t *testing.T, reg *registry.Client, id string) Desired {
	t.Helper()
	tw, err := reg.GetTwin(testContext(t), id)
	if err != nil {
		t.Fatal(err)
	}
	return desiredOf(tw)
}

// checkDesired checks that d asks for b and that every URL serves the file.
func checkDesired(t *testing.T, d Desired, b *Bundle, roots *x509.CertPool) {
	t.Helper()
	if d.Version != b.Manifest.Version || len(d.Files) != len(b.Manifest.Files) {
		t.Fatalf("desired %+v, want version %s with %d files", d, b.Manifest.Version, len(b.Manifest.Files))
	}
	for i, f := range d.Files {
		m := b.Manifest.Files[i]
		want, _ := b.ReadFile(m.Path)
		if f.Path != m.Path || f.Size != m.Size || f.SHA256 != m.SHA256 {
			t.Fatalf("desired file %+v, want %+v", f, m)
		}
		if got := fetch(t, f.URL, roots); !bytes.Equal(got, want) {
			t.Fatalf("%s from %s: %q, want %q", f.Path, f.URL, got, want)
		}
	}
}

func TestStartOnNamedDevicesWithTheLocalHub(t *testing.T) {
	hub, reg := localHub(t, "iothubowner", "meter-1", "meter-2", "other")
	b := testBundle(t, "2.0")
	var steps []string
	res, err := Start(testContext(t), reg, b, LocalHubHost(reg), Targets{DeviceIDs: []string{"meter-1", "meter-2"}}, false,
		func(s StartStep) { steps = append(steps, s.Stage) })
	if err != nil || len(res.Failed) != 0 {
		t.Fatalf("Start: %v %v", err, res.Failed)
	}
	if got := strings.Join(steps, " "); got != "host host device device" {
		t.Errorf("progress %q", got)
	}
	for _, id := range []string{"meter-1", "meter-2"} {
		checkDesired(t, desiredOn(t, reg, id), b, hubRoots(t, hub))
	}
	if d := desiredOn(t, reg, "other"); d.Version != "" {
		t.Fatalf("a device not named got %+v", d)
	}
}

func TestStartWithAQueryRunsATwinJob(t *testing.T) {
	_, reg := localHub(t, "iothubowner", "meter-1", "meter-2", "other")
	ctx := testContext(t)
	for _, id := range []string{"meter-1", "meter-2"} {
		if _, err := reg.UpdateTwin(ctx, id, nil, map[string]any{"product": "meter"}); err != nil {
			t.Fatal(err)
		}
	}
	b := testBundle(t, "3.1")
	res, err := Start(ctx, reg, b, LocalHubHost(reg), Targets{Query: "WHERE tags.product = 'meter'"}, false, nil)
	if err != nil || res.Job == nil {
		t.Fatalf("Start: %v, job %v", err, res.Job)
	}
	waitJob(t, reg, res.Job.JobID)
	for id, want := range map[string]string{"meter-1": "3.1", "meter-2": "3.1", "other": ""} {
		if got := desiredOn(t, reg, id).Version; got != want {
			t.Errorf("%s: desired version %q, want %q", id, got, want)
		}
	}
}

// waitJob polls a job until it ends, within the test's deadline.
func waitJob(t *testing.T, reg *registry.Client, id string) {
	t.Helper()
	ctx := testContext(t)
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		job, err := reg.GetJob(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if job.Done() {
			if job.Status != registry.JobCompleted {
				t.Fatalf("job %+v", job)
			}
			return
		}
		select {
		case <-ctx.Done():
			t.Fatalf("job %s did not end: %v", id, ctx.Err())
		case <-tick.C:
		}
	}
}

func TestRetryRaisesEachDevicesCount(t *testing.T) {
	_, reg := localHub(t, "iothubowner", "a", "b")
	b := testBundle(t, "2.0")
	start := func(ids []string, retry bool) {
		t.Helper()
		if res, err := Start(testContext(t), reg, b, LocalHubHost(reg), Targets{DeviceIDs: ids}, retry, nil); err != nil || len(res.Failed) > 0 {
			t.Fatalf("Start %v retry=%v: %v %v", ids, retry, err, res.Failed)
		}
	}
	start([]string{"a", "b"}, false)
	start([]string{"a"}, true)
	start([]string{"a"}, true)
	start([]string{"a", "b"}, false) // a plain start keeps the count
	start([]string{"a", "b"}, true)
	for id, want := range map[string]int{"a": 3, "b": 1} {
		if got := desiredOn(t, reg, id).Retry; got != want {
			t.Errorf("%s: retry %d, want %d", id, got, want)
		}
	}
}

func TestStartWithAReadOnlyPolicy(t *testing.T) {
	_, reg := localHub(t, "registryRead", "a")
	_, err := Start(testContext(t), reg, testBundle(t, "2.0"), LocalHubHost(reg), Targets{DeviceIDs: []string{"a"}}, false, nil)
	if !errors.Is(err, registry.ErrNoRights) {
		t.Fatalf("Start with a read-only policy: %v, want ErrNoRights", err)
	}
}

func TestStartWithABlobHost(t *testing.T) {
	az := blobtest.Start(t)
	_, reg := localHub(t, "iothubowner", "a")
	store, err := blobstore.New(az.ConnectionString, blobstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	b := testBundle(t, "4.0")
	if _, err := Start(testContext(t), reg, b, BlobHost(store, time.Hour), Targets{DeviceIDs: []string{"a"}}, false, nil); err != nil {
		t.Fatal(err)
	}
	d := desiredOn(t, reg, "a")
	checkDesired(t, d, b, nil)
	raw, _ := json.Marshal(d)
	if strings.Contains(string(raw), az.AccountKey) || !strings.Contains(d.Files[0].URL, "/4.0/") || !strings.Contains(d.Files[0].URL, "sp=r") {
		t.Fatalf("desired %s: want read-only URLs under 4.0/ and no key", raw)
	}
}

func TestBaseURLHost(t *testing.T) {
	for _, bad := range []string{"http://files.example.com", "files.example.com/app", "https://x.example.com/app?sig=1", "https:///app"} {
		if _, err := BaseURLHost(bad); err == nil {
			t.Errorf("BaseURLHost(%q) accepted", bad)
		}
	}
	h, err := BaseURLHost("https://files.example.com/app/")
	if err != nil {
		t.Fatal(err)
	}
	u, _ := h.URL(context.Background(), "1", File{Path: "/usr/lib/my app.py"}, nil)
	if u != "https://files.example.com/app/lib/my%20app.py" {
		t.Fatalf("URL %s", u)
	}
}

// reporter is a device that reports its update as the module library would.
func reporter(t *testing.T, hub *hubsim.Server, id string) func(Reported) {
	t.Helper()
	rec, _ := hub.Device(id)
	s, err := hubclient.New(hubclient.Config{Identity: cloud.DeviceIdentity{Host: hub.HostName(), DeviceID: id, Key: rec.PrimaryKey},
		ServerAddr: hub.MQTTAddr(), RootCAs: hubRoots(t, hub)})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Connect(testContext(t)); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	go func() {
		for range s.Events() { // drain
		}
	}()
	return func(r Reported) {
		patch, _ := json.Marshal(map[string]any{TwinSection: map[string]any{TwinKey: r}})
		if _, err := s.PatchReported(testContext(t), patch); err != nil {
			t.Errorf("report %+v: %v", r, err)
		}
	}
}

func TestStatusAndWatch(t *testing.T) {
	hub, reg := localHub(t, "iothubowner", "a", "b")
	b := testBundle(t, "2.0")
	targets := Targets{DeviceIDs: []string{"b", "a"}}
	if _, err := Start(testContext(t), reg, b, LocalHubHost(reg), targets, false, nil); err != nil {
		t.Fatal(err)
	}
	reportA, reportB := reporter(t, hub, "a"), reporter(t, hub, "b")
	reportA(Reported{Version: "1.0", State: StateDone, Progress: 100, Running: "1.0"}) // the old version's report
	list, err := Status(testContext(t), reg, targets)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 || list[0].DeviceID != "a" || list[1].DeviceID != "b" {
		t.Fatalf("status %+v, want a then b", list)
	}
	if list[0].Final() || list[0].Desired != "2.0" {
		t.Errorf("a reports done for 1.0 while 2.0 is desired: %+v counts as final", list[0])
	}
	if !list[1].NoReport || list[1].State != StateIdle || list[1].Final() {
		t.Errorf("b has not reported: %+v, want idle with NoReport", list[1])
	}
	var mu sync.Mutex
	var last []DeviceStatus
	first := make(chan struct{})
	var once sync.Once
	watched := make(chan error, 1)
	go func() {
		watched <- Watch(testContext(t), reg, targets, 10*time.Millisecond, func(l []DeviceStatus) {
			mu.Lock()
			last = l
			mu.Unlock()
			once.Do(func() { close(first) })
		})
	}()
	select {
	case <-first:
	case err := <-watched:
		t.Fatalf("Watch ended before its first status: %v", err)
	}
	reportA(Reported{Version: "2.0", State: StateDownloading, Progress: 40, Running: "1.0"})
	reportA(Reported{Version: "2.0", State: StateDone, Progress: 100, Running: "2.0"})
	reportB(Reported{Version: "2.0", State: StateFailed, Error: "sha256 mismatch for /usr/main.py", Running: "1.0"})
	select {
	case err := <-watched:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(waitLimit):
		t.Fatal("Watch did not end when both updates ended")
	}
	mu.Lock()
	defer mu.Unlock()
	if !AllFinal(last) || AllDone(last) || !last[0].Done() || last[1].Error == "" {
		t.Fatalf("last status %+v: want a done, b failed with its error", last)
	}
}

func TestTargetsCheck(t *testing.T) {
	for _, tc := range []Targets{{}, {DeviceIDs: []string{"a"}, Query: "WHERE x"}, {DeviceIDs: []string{"bad id?"}}} {
		if err := tc.Check(); err == nil {
			t.Errorf("%+v accepted", tc)
		}
	}
}
