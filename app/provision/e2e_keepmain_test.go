//go:build linux

package provision

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"qpyhub/assets"
	"qpyhub/cloud/hubsim"
	"qpyhub/device/testpeer"
)

// Plan.KeepMain on a module whose main.py is an application written
// against the library (the telemetry example), running when the setup
// starts: main.py stays byte for byte, the setup proves the identity
// through the library from the REPL, the hub confirms it, and after the
// restart the application's own telemetry arrives. Restore then removes
// only what the setup wrote.
func TestSetupKeepMainRunsTheModulesOwnApplication(t *testing.T) {
	hub := startHub(t)
	app := assets.ModuleExample("telemetry.py")
	other := []byte("the application's own data\n")
	peer := startPeer(t, testpeer.Options{RunMainAtBoot: true,
		Files: map[string][]byte{"main.py": app, "data.txt": other}})
	plan := localPlan(hub, Plan{Mode: IdentityRegistry, HubConnectionString: hub.PolicyConnectionString("iothubowner"),
		DeviceIDTemplate: "keep-{imei}", KeepMain: true, RecordFile: t.TempDir() + "/tray.csv"})
	res, log := runOne(t, plan, peer.Path())
	if res.Result != ResultOnline || res.Runs != RunsOwnMain || res.Confirmed != ConfirmedCloud || res.BackedUp {
		t.Fatalf("result %+v\n%s", res, log.text())
	}
	if !strings.Contains(log.text(), NoteProving) || !strings.Contains(log.text(), "online ok device="+res.DeviceID) {
		t.Fatalf("the proof's status lines were not followed:\n%s", log.text())
	}
	if rec := readFile(t, plan.RecordFile); !strings.Contains(rec, ",runs\n") || !strings.HasSuffix(rec, ","+RunsOwnMain+"\n") {
		t.Fatalf("record %q", rec)
	}
	// The setup's own message came first; the application's follows the
	// restart, with the application's property.
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if _, err := hub.WaitTelemetry(ctx, res.DeviceID, func(m hubsim.TelemetryMessage) bool { return m.Properties["qpyhub"] == "setup" }); err != nil {
		t.Fatalf("the proof sent no heartbeat: %v", err)
	}
	msg, err := hub.WaitTelemetry(ctx, res.DeviceID, func(m hubsim.TelemetryMessage) bool { return m.Properties["kind"] == "sample" })
	if err != nil {
		t.Fatalf("no telemetry from the application after the restart: %v", err)
	}
	if !bytes.Contains(msg.Payload, []byte(`"csq"`)) {
		t.Fatalf("the application's message %s", msg.Payload)
	}

	files := moduleFiles(t, peer.Path())
	if !bytes.Equal(files["main.py"], app) {
		t.Fatalf("main.py changed:\n%s", files["main.py"])
	}
	if !bytes.Equal(files["qpyhub.py"], assets.ModuleLibrary()) || len(files["qpyhub_config.json"]) == 0 {
		t.Fatal("the library or the config is missing")
	}
	for _, absent := range []string{"qpyhub_app.py", "main.py.qpyhub-bak"} {
		if _, ok := files[absent]; ok {
			t.Errorf("keep-main wrote %s", absent)
		}
	}
	assertNoSecret(t, "progress", log.text(), keyOf(t, hub, res.DeviceID))

	rctx, rcancel := context.WithTimeout(context.Background(), time.Minute)
	defer rcancel()
	if err := Restore(rctx, peer.Path()); err != nil {
		t.Fatal(err)
	}
	after := moduleFiles(t, peer.Path())
	if !bytes.Equal(after["main.py"], app) || !bytes.Equal(after["data.txt"], other) || len(after) != 2 {
		names := []string{}
		for n := range after {
			names = append(names, n)
		}
		t.Fatalf("after restore: %v, main.py unchanged %v", names, bytes.Equal(after["main.py"], app))
	}
	err = Restore(rctx, peer.Path())
	if se, ok := err.(*StageError); !ok || se.Message != PhraseNoBackup {
		t.Fatalf("second restore: %v, want %q", err, PhraseNoBackup)
	}
	if !bytes.Equal(moduleFiles(t, peer.Path())["main.py"], app) {
		t.Fatal("the second restore touched main.py")
	}
}

// A module that an earlier setup left running the check program has no
// application of its own to keep: keep-main stops before writing.
func TestSetupKeepMainRefusesTheLauncher(t *testing.T) {
	hub := startHub(t)
	if _, err := hub.AddDevice("keep-2"); err != nil {
		t.Fatal(err)
	}
	cs, _ := hub.DeviceConnectionString("keep-2")
	peer := startPeer(t, testpeer.Options{Files: map[string][]byte{"main.py": assets.ModuleMain()}})
	res, log := runOne(t, localPlan(hub, Plan{Mode: IdentityDevice, ConnectionString: cs, KeepMain: true}), peer.Path())
	if res.Result != ResultFailed || res.Stage != StageWrite || res.Error != PhraseMainIsLauncher || res.Runs != RunsOwnMain {
		t.Fatalf("result %+v\n%s", res, log.text())
	}
	files := moduleFiles(t, peer.Path())
	if _, ok := files["qpyhub_config.json"]; ok || len(files) != 1 {
		t.Fatalf("files after the refusal: %d, config written %v", len(files), ok)
	}
}
