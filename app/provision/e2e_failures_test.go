//go:build linux

package provision

import (
	"context"
	"net"
	"strings"
	"testing"
	"time"

	"qpyhub/device/testpeer"
)

// No SIM: the setup stops at the module stage with the check's own
// problem and advice, and nothing is created in the hub or written.
func TestSetupStopsWithoutSIM(t *testing.T) {
	hub := startHub(t)
	peer := startPeer(t, testpeer.Options{Scenario: map[string]any{"sim_status": 0}})
	plan := localPlan(hub, Plan{Mode: IdentityRegistry, HubConnectionString: hub.PolicyConnectionString("iothubowner")})
	res, log := runOne(t, plan, peer.Path())
	if res.Result != ResultFailed || res.Stage != StageModule || !strings.Contains(res.Error, "SIM") || res.Advice == "" {
		t.Fatalf("result %+v\n%s", res, log.text())
	}
	if ids := hub.DeviceIDs(); len(ids) != 0 {
		t.Fatalf("devices created: %v", ids)
	}
	if _, ok := moduleFiles(t, peer.Path())["qpyhub_app.py"]; ok {
		t.Fatal("the program was written to a module that is not ready")
	}
}

// With the check overridden a module without SIM goes on, and the
// Result says the check was overridden; its network then fails on the
// module itself, which the verify stage reports with the module's stage.
func TestSetupOverrideCheckIsRecorded(t *testing.T) {
	hub := startHub(t)
	if _, err := hub.AddDevice("no-sim"); err != nil {
		t.Fatal(err)
	}
	cs, _ := hub.DeviceConnectionString("no-sim")
	peer := startPeer(t, testpeer.Options{Scenario: map[string]any{"sim_status": 0}})
	res, log := runOne(t, localPlan(hub, Plan{Mode: IdentityDevice, ConnectionString: cs, OverrideCheck: true}), peer.Path())
	if res.CheckOverridden == "" || res.Result != ResultFailed || res.Stage != StageVerify ||
		res.Error != PhraseModuleFailed || !strings.HasPrefix(res.Detail, "network fail") {
		t.Fatalf("result %+v\n%s", res, log.text())
	}
}

// The device id from the template exists already: without reuse the
// setup stops with advice; with reuse it takes the existing device.
func TestSetupDeviceAlreadyExists(t *testing.T) {
	hub := startHub(t)
	if _, err := hub.AddDevice("ec600n-866327040000001"); err != nil {
		t.Fatal(err)
	}
	peer := startPeer(t, testpeer.Options{})
	plan := localPlan(hub, Plan{Mode: IdentityRegistry, HubConnectionString: hub.PolicyConnectionString("registryReadWrite")})
	res, log := runOne(t, plan, peer.Path())
	if res.Result != ResultFailed || res.Stage != StageIdentity || res.Error != PhraseDeviceExists ||
		res.Advice != AdviceDeviceExists || res.DeviceID != "ec600n-866327040000001" {
		t.Fatalf("result %+v\n%s", res, log.text())
	}

	plan.ReuseExisting = true
	res, log = runOne(t, plan, peer.Path())
	// registryReadWrite cannot read twins: the hub's connection state
	// confirms instead.
	if res.Result != ResultOnline || res.Confirmation != ConfirmConnection {
		t.Fatalf("reuse: result %+v\n%s", res, log.text())
	}
}

// A policy that may only read the registry cannot create devices.
func TestSetupPolicyWithoutWriteRights(t *testing.T) {
	hub := startHub(t)
	peer := startPeer(t, testpeer.Options{})
	plan := localPlan(hub, Plan{Mode: IdentityRegistry, HubConnectionString: hub.PolicyConnectionString("registryRead")})
	res, log := runOne(t, plan, peer.Path())
	if res.Result != ResultFailed || res.Stage != StageIdentity || res.Error != PhraseNoWriteRights || res.Advice != AdviceNoWriteRights {
		t.Fatalf("result %+v\n%s", res, log.text())
	}
	assertNoSecret(t, "detail", res.Detail, policyKey(t, hub.PolicyConnectionString("registryRead")))
}

// A wrong key for a policy that has every right is a key problem, not a
// missing right.
func TestSetupWrongPolicyKey(t *testing.T) {
	hub := startHub(t)
	peer := startPeer(t, testpeer.Options{})
	const wrongKey = "d3Jvbmcta2V5LW9mLXRoZS1yaWdodC1sZW5ndGgtMzI="
	owner := hub.PolicyConnectionString("iothubowner")
	cs := strings.Replace(owner, policyKey(t, owner), wrongKey, 1)
	res, log := runOne(t, localPlan(hub, Plan{Mode: IdentityRegistry, HubConnectionString: cs}), peer.Path())
	if res.Result != ResultFailed || res.Stage != StageIdentity || res.Error != PhraseBadKey || res.Advice != AdviceBadKey ||
		!strings.Contains(res.Detail, "check the key and the policy name") {
		t.Fatalf("result %+v\n%s", res, log.text())
	}
	assertNoSecret(t, "detail", res.Detail, wrongKey)
}

// A disabled enrollment group: the registration from the PC is refused.
func TestSetupDPSGroupDisabled(t *testing.T) {
	hub := startHub(t)
	const groupKey = testGroupKey
	if err := hub.AddEnrollmentGroup("tray", groupKey, false); err != nil {
		t.Fatal(err)
	}
	peer := startPeer(t, testpeer.Options{})
	plan := localPlan(hub, Plan{Mode: IdentityDPS, IDScope: hub.DPSIDScope(), GroupKey: groupKey, DPSCheckFromPC: true, DPSHost: "localhost"})
	res, log := runOne(t, plan, peer.Path())
	if res.Result != ResultFailed || res.Stage != StageIdentity || res.Error != PhraseDPSRefused {
		t.Fatalf("result %+v\n%s", res, log.text())
	}
	assertNoSecret(t, "result", res.Detail+log.text(), groupKey)
}

// The module never comes online (its hub accepts TCP and then says
// nothing): the verify stage gives up at the verify timeout.
func TestSetupVerifyTimeout(t *testing.T) {
	hub := startHub(t)
	if _, err := hub.AddDevice("silent"); err != nil {
		t.Fatal(err)
	}
	cs, _ := hub.DeviceConnectionString("silent")
	mute, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer mute.Close()
	go func() {
		for {
			c, err := mute.Accept()
			if err != nil {
				return
			}
			defer c.Close() // held open, silent, until the test ends
		}
	}()
	peer := startPeer(t, testpeer.Options{})
	plan := localPlan(hub, Plan{Mode: IdentityDevice, ConnectionString: cs, VerifyTimeout: 5 * time.Second})
	plan.Server = mute.Addr().String()
	res, log := runOne(t, plan, peer.Path())
	if res.Result != ResultFailed || res.Stage != StageVerify || res.Error != PhraseVerifyTimeout || !strings.Contains(res.Detail, "sas ok") {
		t.Fatalf("result %+v\n%s", res, log.text())
	}
}

// An unplug in the middle of the write leaves the old main.py whole
// and no half-written file under a real name; the backup is complete.
func TestSetupWriteInterruptedKeepsOldMain(t *testing.T) {
	hub := startHub(t)
	if _, err := hub.AddDevice("unplugged"); err != nil {
		t.Fatal(err)
	}
	cs, _ := hub.DeviceConnectionString("unplugged")
	flash := t.TempDir()
	old := []byte("# the customer's own program\nprint('factory')\n")
	peer := startPeer(t, testpeer.Options{FlashDir: flash, Files: map[string][]byte{"main.py": old}})
	plan := localPlan(hub, Plan{Mode: IdentityDevice, ConnectionString: cs})
	log := &progressLog{}
	killed := false
	unplug := func(p Progress) {
		log.add(p)
		// The first chunk of the program is in its .part file: pull the cable.
		if p.Stage == StageWrite && p.Detail == "qpyhub_app.py" && !killed {
			killed = true
			peer.Kill()
		}
	}
	res := Run(t.Context(), plan, []string{peer.Path()}, unplug)[0]
	if !killed || res.Result != ResultFailed || res.Stage != StageWrite || res.Error != PhraseWrite {
		t.Fatalf("killed %v, result %+v\n%s", killed, res, log.text())
	}
	again := startPeer(t, testpeer.Options{FlashDir: flash})
	files := moduleFiles(t, again.Path())
	if string(files["main.py"]) != string(old) {
		t.Fatalf("main.py after the unplug: %q", files["main.py"])
	}
	if got, ok := files["qpyhub_app.py"]; ok {
		t.Fatalf("a qpyhub_app.py of %d bytes exists after the unplug", len(got))
	}
	if _, ok := files["qpyhub_config.json"]; ok {
		t.Fatal("the config was written before the program")
	}
	if string(files["main.py.qpyhub-bak"]) != string(old) {
		t.Fatalf("backup %q", files["main.py.qpyhub-bak"])
	}
}

// Cancelling the batch while the module verifies ends the run at once
// with a cancelled result, not a timeout.
func TestSetupCancelDuringVerify(t *testing.T) {
	hub := startHub(t)
	if _, err := hub.AddDevice("cancelled"); err != nil {
		t.Fatal(err)
	}
	cs, _ := hub.DeviceConnectionString("cancelled")
	mute, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer mute.Close()
	peer := startPeer(t, testpeer.Options{})
	plan := localPlan(hub, Plan{Mode: IdentityDevice, ConnectionString: cs, VerifyTimeout: time.Hour})
	plan.Server = mute.Addr().String()
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	log := &progressLog{}
	res := Run(ctx, plan, []string{peer.Path()}, func(p Progress) {
		log.add(p)
		if p.Stage == StageVerify && strings.HasPrefix(p.Detail, "sas ok") {
			cancel()
		}
	})[0]
	if res.Result != ResultFailed || res.Stage != StageVerify || res.Error != PhraseCanceled {
		t.Fatalf("result %+v\n%s", res, log.text())
	}
}

func TestRunRefusesABadPlanWithoutTouchingModules(t *testing.T) {
	res := Run(t.Context(), Plan{Mode: IdentityDevice}, []string{"/nonexistent/port"}, nil)
	if len(res) != 1 || res[0].Result != ResultFailed || res[0].Error != ReasonMissing || res[0].Detail != "connection string" {
		t.Fatalf("results %+v", res)
	}
}
