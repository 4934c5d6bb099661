//go:build linux

package provision

import (
	"bytes"
	"testing"

	"qpyhub/assets"
	"qpyhub/device/testpeer"
)

// Both setups write the library's update engine and guard beside it
// (updates over the air run inside the library), and undoing the setup
// removes them with the library.
func TestSetupWritesTheUpdateEngine(t *testing.T) {
	for _, keepMain := range []bool{false, true} {
		name := "program"
		if keepMain {
			name = "keep-main"
		}
		t.Run(name, func(t *testing.T) {
			hub := startHub(t)
			if _, err := hub.AddDevice("ota-files"); err != nil {
				t.Fatal(err)
			}
			cs, _ := hub.DeviceConnectionString("ota-files")
			opts := testpeer.Options{}
			if keepMain {
				opts.Files = map[string][]byte{"main.py": assets.ModuleExample("telemetry.py")}
			}
			peer := startPeer(t, opts)
			plan := localPlan(hub, Plan{Mode: IdentityDevice, ConnectionString: cs, KeepMain: keepMain})
			res, log := runOne(t, plan, peer.Path())
			if !res.Online() {
				t.Fatalf("setup: %+v\n%s", res, log.text())
			}
			files := moduleFiles(t, peer.Path())
			for name, want := range map[string][]byte{
				"qpyhub.py": assets.ModuleLibrary(), "qpyhub_ota.py": assets.ModuleOTA(), "qpyhub_guard.py": assets.ModuleGuard(),
			} {
				if !bytes.Equal(files[name], want) {
					t.Errorf("%s on the module is not the embedded one (%d bytes)", name, len(files[name]))
				}
			}
			if err := Restore(t.Context(), peer.Path()); err != nil {
				t.Fatal(err)
			}
			files = moduleFiles(t, peer.Path())
			for _, name := range []string{"qpyhub_ota.py", "qpyhub_guard.py"} {
				if _, ok := files[name]; ok {
					t.Errorf("undoing the setup left %s", name)
				}
			}
		})
	}
}
