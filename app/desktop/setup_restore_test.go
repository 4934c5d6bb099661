//go:build linux

package desktop

import (
	"bytes"
	"context"
	"testing"
	"time"

	"qpyhub/assets"
	"qpyhub/device/modfs"
	"qpyhub/device/repl"
	"qpyhub/device/testpeer"
)

// Restore from the window's runner, against the real peer: the module's
// own main.py comes back, and not while the terminal holds the port.
func TestSetupRunnerRestore(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	old := []byte("print('factory')\n")
	peer, err := testpeer.Start(ctx, testpeer.Options{Files: map[string][]byte{
		"main.py":            assets.ModuleMain(),
		"main.py.qpyhub-bak": old,
		"qpyhub_app.py":      assets.ModuleProgram(),
	}})
	if err != nil {
		t.Fatal(err)
	}
	defer peer.Close()
	modules := newModuleServices()
	runner := setupRunner{modules: modules}

	if err := modules.take(peer.Path(), holderTerminal); err != nil {
		t.Fatal(err)
	}
	if err := runner.Restore(ctx, peer.Path()); err == nil {
		t.Fatal("restored while the terminal held the port")
	}
	modules.give(peer.Path())

	if err := runner.Restore(ctx, peer.Path()); err != nil {
		t.Fatalf("restore: %v", err)
	}
	s, err := repl.Open(ctx, peer.Path(), repl.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var got bytes.Buffer
	if _, err := modfs.New(s, modfs.Options{}).Get(ctx, "/usr/main.py", &got, nil); err != nil || !bytes.Equal(got.Bytes(), old) {
		t.Fatalf("main.py after restore: %q (%v)", got.String(), err)
	}
}
