package desktop

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"qpyhub/app/ota"
	"qpyhub/cloud/hubclient"
	"qpyhub/ui/updates"
)

// startTestHub is the local hub in a temporary folder, with devices ids.
func startTestHub(t *testing.T, ids ...string) *localHub {
	t.Helper()
	hub, err := startLocalHub(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(hub.Close)
	for _, id := range ids {
		if _, err := hub.srv.AddDevice(id); err != nil {
			t.Fatal(err)
		}
	}
	return hub
}

// packTestBundle packs two files as version into a bundle file.
func packTestBundle(t *testing.T, version string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "lib"), 0o755); err != nil {
		t.Fatal(err)
	}
	for name, body := range map[string]string{"main.py": "print('v" + version + "')\n", "lib/util.py": "X = 1\n"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	file := filepath.Join(t.TempDir(), "app-"+version+".zip")
	if _, err := ota.PackFile(dir, version, file); err != nil {
		t.Fatal(err)
	}
	return file
}

func TestUpdateServicesReadBundlesAndListDevices(t *testing.T) {
	hub := startTestHub(t, "pump-1", "pump-2")
	u := updateServices{fleets: fleetSource{local: hub}}
	m, err := u.OpenBundle(packTestBundle(t, "1.3"))
	if err != nil || m.Version != "1.3" || len(m.Files) != 2 {
		t.Fatalf("manifest %+v: %v", m, err)
	}
	broken := filepath.Join(t.TempDir(), "broken.zip")
	if err := os.WriteFile(broken, []byte("not a zip"), 0o644); err != nil {
		t.Fatal(err)
	}
	var be *ota.BundleError
	if _, err := u.OpenBundle(broken); !errors.As(err, &be) {
		t.Errorf("a file that is no bundle: %v", err)
	}
	h, err := u.LocalHub()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	list, err := h.Devices(ctx, "")
	if err != nil || len(list) != 3 {
		t.Fatalf("devices %+v: %v; want the demo device and two pumps", list, err)
	}
	list, err = h.Devices(ctx, "WHERE deviceId = 'pump-2'")
	if err != nil || len(list) != 1 || list[0].DeviceID != "pump-2" {
		t.Fatalf("devices matching pump-2 %+v: %v", list, err)
	}
	if _, err := (updateServices{}).LocalHub(); !errors.Is(err, errNoLocalHub) {
		t.Errorf("no local hub: %v", err)
	}
}

// reportAs connects as the device and reports r under qpyhub.ota, as the
// library on a module does.
func reportAs(t *testing.T, hub *localHub, id string, r ota.Reported) {
	t.Helper()
	ident, err := hub.identity(id)
	if err != nil {
		t.Fatal(err)
	}
	s, err := hubclient.New(hubclient.Config{Identity: ident, ServerAddr: hub.srv.MQTTAddr(), RootCAs: hub.roots})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := s.Connect(ctx); err != nil {
		t.Fatal(err)
	}
	go func() {
		for range s.Events() { // drain
		}
	}()
	patch, _ := json.Marshal(map[string]any{ota.TwinSection: map[string]any{ota.TwinKey: r}})
	if _, err := s.PatchReported(ctx, patch); err != nil {
		t.Fatal(err)
	}
}

// The screen's start reaches the local hub: the files hosted by the hub,
// the version desired of the device, and a watch that ends once the
// module reports the version done.
func TestUpdateHubStartsAndWatchesOnTheLocalHub(t *testing.T) {
	hub := startTestHub(t, "pump-1")
	u := updateServices{fleets: fleetSource{local: hub}}
	h, err := u.LocalHub()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	bundle := packTestBundle(t, "1.3")
	req := updates.StartRequest{BundlePath: bundle, Version: "1.3", Targets: ota.Targets{DeviceIDs: []string{"pump-1"}}}
	var steps []string
	res, err := h.Start(ctx, req, func(s ota.StartStep) { steps = append(steps, s.Stage) })
	if err != nil || len(res.Devices) != 1 || len(res.Failed) != 0 {
		t.Fatalf("start %+v: %v", res, err)
	}
	if strings.Join(steps, " ") != "host host device" {
		t.Errorf("steps %v", steps)
	}
	twin, err := hub.srv.Twin("pump-1")
	if err != nil || !strings.Contains(string(twin), `"version":"1.3"`) || !strings.Contains(string(twin), "/files/") {
		t.Fatalf("twin %s: %v; want version 1.3 with the hub's file URLs", twin, err)
	}

	reportAs(t, hub, "pump-1", ota.Reported{Version: "1.3", State: ota.StateDone, Progress: 100, Running: "1.3"})
	var last []ota.DeviceStatus
	if err := h.Watch(ctx, req.Targets, func(l []ota.DeviceStatus) { last = l }); err != nil {
		t.Fatal(err)
	}
	if len(last) != 1 || !last[0].Done() {
		t.Fatalf("last reading %+v, want pump-1 done", last)
	}

	req.Version = "1.2"
	if _, err := h.Start(ctx, req, nil); err == nil || !strings.Contains(err.Error(), "choose the bundle again") {
		t.Errorf("a bundle that changed on disk: %v", err)
	}
}

// A storage account is reached only with a connection string that can
// sign, and no error repeats the key.
func TestUpdateHubStorageKeyNeverInErrors(t *testing.T) {
	hub := startTestHub(t, "pump-1")
	h, err := updateServices{fleets: fleetSource{local: hub}}.LocalHub()
	if err != nil {
		t.Fatal(err)
	}
	const key = "bm90LWEtcmVhbC1rZXktYnV0LWEtc2VjcmV0LW9uZQ=="
	bad := "DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=" + key + ";BlobEndpoint=not a url"
	req := updates.StartRequest{BundlePath: packTestBundle(t, "1.3"), Version: "1.3", Targets: ota.Targets{DeviceIDs: []string{"pump-1"}},
		Hosting: updates.Hosting{Kind: updates.HostStorage, ConnectionString: bad, Container: "qpyhub-ota", URLLifetime: time.Hour}}
	_, err = h.Start(context.Background(), req, nil)
	if err == nil || strings.Contains(err.Error(), key) || strings.Contains(fmt.Sprintf("%+v", req), key) {
		t.Fatalf("start with a broken storage string: %v", err)
	}
	req.Hosting = updates.Hosting{Kind: updates.HostURLPrefix, URLPrefix: "http://files.example.com"}
	if _, err := h.Start(context.Background(), req, nil); err == nil || !strings.Contains(err.Error(), "https://") {
		t.Errorf("an http prefix: %v", err)
	}
}

// The watch reads the local hub often and IoT Hub within its throttling.
func TestWatchIntervalKeepsUnderIoTHubThrottling(t *testing.T) {
	many := make([]string, 200)
	for _, tc := range []struct {
		local   bool
		targets ota.Targets
		want    time.Duration
	}{
		{true, ota.Targets{DeviceIDs: many}, 2 * time.Second},
		{false, ota.Targets{DeviceIDs: []string{"a", "b"}}, 10 * time.Second},
		{false, ota.Targets{Query: "WHERE tags.site = 'lab'"}, 10 * time.Second},
		{false, ota.Targets{DeviceIDs: many}, 40 * time.Second},
	} {
		if got := watchInterval(tc.local, tc.targets); got != tc.want {
			t.Errorf("local %v, %d devices, query %q: every %v, want %v", tc.local, len(tc.targets.DeviceIDs), tc.targets.Query, got, tc.want)
		}
	}
}
