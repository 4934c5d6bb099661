//go:build linux

package provision

import (
	"fmt"
	"strings"
	"testing"

	"qpyhub/device/testpeer"
)

// A second setup of the same module sends only what changed: the
// program and the launcher are already there.
func TestSecondSetupSkipsUnchangedFiles(t *testing.T) {
	hub := startHub(t)
	if _, err := hub.AddDevice("twice"); err != nil {
		t.Fatal(err)
	}
	cs, _ := hub.DeviceConnectionString("twice")
	peer := startPeer(t, testpeer.Options{})
	plan := localPlan(hub, Plan{Mode: IdentityDevice, ConnectionString: cs})
	program, err := ModuleProgram()
	if err != nil {
		t.Fatal(err)
	}
	n := len(program) + 1 // and the config
	res, log := runOne(t, plan, peer.Path())
	if !res.Online() || !strings.Contains(log.text(), fmt.Sprintf("write ok %d files\n", n)) {
		t.Fatalf("first setup: %+v\n%s", res, log.text())
	}
	first := moduleFiles(t, peer.Path())
	sent := strings.Count(string(peer.Received()), "_qpyw(b'")
	res, log = runOne(t, plan, peer.Path())
	if !res.Online() || !strings.Contains(log.text(), fmt.Sprintf("write ok %d files, %d unchanged\n", n, n)) {
		t.Fatalf("second setup: %+v\n%s", res, log.text())
	}
	if again := strings.Count(string(peer.Received()), "_qpyw(b'"); again != sent {
		t.Fatalf("the second setup sent %d pieces of file data", again-sent)
	}
	for name, content := range moduleFiles(t, peer.Path()) {
		if string(first[name]) != string(content) {
			t.Errorf("%s changed between two setups with the same plan", name)
		}
	}
}
