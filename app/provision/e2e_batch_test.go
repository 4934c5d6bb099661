//go:build linux

package provision

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"qpyhub/device/testpeer"
)

// DPS with a group key: the module registers itself at first boot; the
// hub's owner policy confirms from the cloud side.
func TestSetupDPSModuleRegistersItself(t *testing.T) {
	hub := startHub(t)
	if err := hub.AddEnrollmentGroup("tray", testGroupKey, true); err != nil {
		t.Fatal(err)
	}
	peer := startPeer(t, testpeer.Options{Scenario: map[string]any{"imei": "866327040000042"}})
	plan := localPlan(hub, Plan{Mode: IdentityDPS, IDScope: hub.DPSIDScope(), GroupKey: testGroupKey,
		CheckConnectionString: hub.PolicyConnectionString("iothubowner")})
	res, log := runOne(t, plan, peer.Path())
	if res.Result != ResultOnline || res.DeviceID != "866327040000042" || res.Hub != hub.HostName() || res.Confirmation != ConfirmTwin {
		t.Fatalf("result %+v\n%s", res, log.text())
	}
	if !strings.Contains(log.text(), "dps ok") {
		t.Fatalf("the module did not register through DPS itself:\n%s", log.text())
	}
	assertNoSecret(t, "progress", log.text(), testGroupKey, keyOf(t, hub, res.DeviceID))

	// The module keeps its assignment for the next boot (no secret in it),
	// and Restore takes it away with the program.
	kept := string(moduleFiles(t, peer.Path())["qpyhub_dps.json"])
	if !strings.Contains(kept, hub.HostName()) || !strings.Contains(kept, "866327040000042") {
		t.Fatalf("kept assignment %q", kept)
	}
	assertNoSecret(t, "kept assignment", kept, testGroupKey, keyOf(t, hub, res.DeviceID))
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := Restore(ctx, peer.Path()); err != nil {
		t.Fatal(err)
	}
	if _, ok := moduleFiles(t, peer.Path())["qpyhub_dps.json"]; ok {
		t.Error("Restore left the kept assignment on the module")
	}
}

// Three modules at once, one without SIM: its record says so, the other
// two are online, and no key reaches the record file.
func TestSetupBatchOfThreeOneFailing(t *testing.T) {
	hub := startHub(t)
	peers := []*testpeer.Peer{
		startPeer(t, testpeer.Options{Scenario: map[string]any{"imei": "866327040000101"}}),
		startPeer(t, testpeer.Options{Scenario: map[string]any{"imei": "866327040000102", "sim_status": 0}}),
		startPeer(t, testpeer.Options{Scenario: map[string]any{"imei": "866327040000103"}}),
	}
	ports := []string{peers[0].Path(), peers[1].Path(), peers[2].Path()}
	record := filepath.Join(t.TempDir(), "tray.jsonl")
	plan := localPlan(hub, Plan{Mode: IdentityRegistry, HubConnectionString: hub.PolicyConnectionString("iothubowner"),
		DeviceIDTemplate: "tray-{imei}", RecordFile: record})
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	log := &progressLog{}
	results := Run(ctx, plan, ports, log.add)
	for i, want := range []string{ResultOnline, ResultFailed, ResultOnline} {
		if results[i].Port != ports[i] || results[i].Result != want {
			t.Fatalf("module %d: %+v, want %s\n%s", i, results[i], want, log.text())
		}
	}
	if results[1].Stage != StageModule {
		t.Fatalf("failing module stopped at %q", results[1].Stage)
	}
	f, err := os.Open(record)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	byPort := map[string]Record{}
	for sc := bufio.NewScanner(f); sc.Scan(); {
		var r Record
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("record line %q: %v", sc.Text(), err)
		}
		byPort[r.Port] = r
	}
	if len(byPort) != 3 || byPort[ports[1]].Result != ResultFailed || byPort[ports[1]].Stage != StageModule ||
		byPort[ports[0]].DeviceID != "tray-866327040000101" || byPort[ports[2]].Result != ResultOnline {
		t.Fatalf("records %+v", byPort)
	}
	text := readFile(t, record)
	for _, id := range []string{"tray-866327040000101", "tray-866327040000103"} {
		assertNoSecret(t, "record", text, keyOf(t, hub, id))
	}
	assertNoSecret(t, "record", text, policyKey(t, hub.PolicyConnectionString("iothubowner")))
}

// Restore puts the module's own main.py back and removes the program
// and its config, which holds the key.
func TestRestorePutsBackupBack(t *testing.T) {
	hub := startHub(t)
	if _, err := hub.AddDevice("restore-me"); err != nil {
		t.Fatal(err)
	}
	cs, _ := hub.DeviceConnectionString("restore-me")
	old := []byte("print('factory')\n")
	peer := startPeer(t, testpeer.Options{Files: map[string][]byte{"main.py": old}})
	if res, log := runOne(t, localPlan(hub, Plan{Mode: IdentityDevice, ConnectionString: cs}), peer.Path()); !res.Online() {
		t.Fatalf("setup: %+v\n%s", res, log.text())
	}
	// A second setup keeps the first backup: main.py is the launcher now.
	if res, log := runOne(t, localPlan(hub, Plan{Mode: IdentityDevice, ConnectionString: cs}), peer.Path()); !res.Online() || res.BackedUp {
		t.Fatalf("second setup: %+v\n%s", res, log.text())
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := Restore(ctx, peer.Path()); err != nil {
		t.Fatal(err)
	}
	files := moduleFiles(t, peer.Path())
	if string(files["main.py"]) != string(old) {
		t.Fatalf("main.py after restore: %q", files["main.py"])
	}
	for _, gone := range []string{"main.py.qpyhub-bak", "qpyhub_config.json", "qpyhub_app.py"} {
		if _, ok := files[gone]; ok {
			t.Errorf("%s is still on the module", gone)
		}
	}
	// Nothing left to restore: a clear error, nothing changed.
	err := Restore(ctx, peer.Path())
	if se, ok := err.(*StageError); ok && se.Message == PhraseNoBackup {
		return
	}
	t.Fatalf("second restore: %v, want %q", err, PhraseNoBackup)
}
