//go:build linux

package provision

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"qpyhub/device/testpeer"
)

// A device connection string: the module goes online; the PC has no
// service rights, so the result says honestly that only the module
// confirmed it, while the hub does see the device connected.
func TestSetupDeviceConnectionStringModuleOnly(t *testing.T) {
	hub := startHub(t)
	if _, err := hub.AddDevice("bench-1"); err != nil {
		t.Fatal(err)
	}
	cs, err := hub.DeviceConnectionString("bench-1")
	if err != nil {
		t.Fatal(err)
	}
	peer := startPeer(t, testpeer.Options{Files: map[string][]byte{"main.py": []byte("print('factory program')\n")}})
	record := filepath.Join(t.TempDir(), "tray.csv")
	res, log := runOne(t, localPlan(hub, Plan{Mode: IdentityDevice, ConnectionString: cs, RecordFile: record}), peer.Path())
	if res.Result != ResultOnline || res.Confirmed != ConfirmedModule || res.Confirmation != "" || res.DeviceID != "bench-1" || res.AuthMode != AuthKey {
		t.Fatalf("result %+v\n%s", res, log.text())
	}
	t.Log(log.text())
	if !hub.Connected("bench-1") {
		t.Fatal("the hub does not see the module connected")
	}
	if !res.BackedUp {
		t.Fatal("the factory main.py was not backed up")
	}
	key := keyOf(t, hub, "bench-1")
	assertNoSecret(t, "record", readFile(t, record), key)
	assertNoSecret(t, "progress", log.text(), key)
	if !strings.Contains(readFile(t, record), "bench-1") {
		t.Fatalf("record lacks the device: %s", readFile(t, record))
	}
}

// A hub policy string: the device is created from the template, the
// module goes online, and the twin's reported qpyhub properties confirm it.
func TestSetupHubPolicyOnlineConfirmedByTwin(t *testing.T) {
	hub := startHub(t)
	peer := startPeer(t, testpeer.Options{})
	policy := hub.PolicyConnectionString("iothubowner")
	res, log := runOne(t, localPlan(hub, Plan{Mode: IdentityRegistry, HubConnectionString: policy, TokenTTL: 2 * time.Hour}), peer.Path())
	if res.Result != ResultOnline || res.Confirmed != ConfirmedCloud || res.Confirmation != ConfirmTwin ||
		res.DeviceID != "ec600n-866327040000001" || res.AuthMode != AuthToken {
		t.Fatalf("result %+v\n%s", res, log.text())
	}
	twin, err := hub.Twin(res.DeviceID)
	if err != nil || !strings.Contains(string(twin), `"qpyhub"`) {
		t.Fatalf("twin %s, %v", twin, err)
	}
	assertNoSecret(t, "progress", log.text(), keyOf(t, hub, res.DeviceID))

	// The rows fill in while the module is set up, not only at the end.
	first := func(stage string) (Progress, bool) {
		log.mu.Lock()
		defer log.mu.Unlock()
		for _, p := range log.list {
			if p.Stage == stage {
				return p, true
			}
		}
		return Progress{}, false
	}
	if p, ok := first(StageIdentity); !ok || p.IMEI != "866327040000001" {
		t.Errorf("identity stage starts with IMEI %q, want the module's", p.IMEI)
	}
	if p, ok := first(StageCredentials); !ok || p.DeviceID != res.DeviceID {
		t.Errorf("credentials stage starts with device %q, want %q", p.DeviceID, res.DeviceID)
	}

	// The program on the module takes a desired heartbeat from the hub and
	// reports it back: the hub's own topics and twin documents, end to end.
	if _, err := hub.UpdateDesired(res.DeviceID, json.RawMessage(`{"qpyhub":{"heartbeat":45}}`)); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		twin, err := hub.Twin(res.DeviceID)
		var doc struct {
			Properties struct {
				Reported struct {
					Qpyhub struct{ Heartbeat int } `json:"qpyhub"`
				} `json:"reported"`
			} `json:"properties"`
		}
		if err == nil && json.Unmarshal(twin, &doc) == nil && doc.Properties.Reported.Qpyhub.Heartbeat == 45 {
			break
		}
		select {
		case <-ctx.Done():
			t.Fatalf("the module did not report the desired heartbeat; twin %s", twin)
		case <-tick.C:
		}
	}
}
