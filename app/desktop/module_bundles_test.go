//go:build linux

package desktop

import (
	"context"
	"errors"
	"strings"
	"testing"

	"qpyhub/app/ota"
	"qpyhub/ui/module"
	"qpyhub/ui/widgets"
)

// The Module screen offers Apply a bundle… because the window's files
// service can apply bundles; it reads a bundle whole.
func TestModuleFilesApplyBundles(t *testing.T) {
	applier, ok := newModuleServices().Files().(module.BundleApplier)
	if !ok {
		t.Fatal("the window's files service cannot apply bundles: the Module screen would hide Apply a bundle…")
	}
	m, err := applier.ReadBundle(packTestBundle(t, "2.0"))
	if err != nil || m.Version != "2.0" || len(m.Files) != 2 {
		t.Fatalf("manifest %+v: %v", m, err)
	}
}

// A module the setup never wrote the library onto refuses the update:
// the screen gets a failed outcome with the reason, not an error, and
// the port is free again afterwards.
func TestApplyBundleOnAModuleWithoutTheLibrary(t *testing.T) {
	peer := startModulePeer(t, nil)
	services := newModuleServices()
	files := services.Files().(module.BundleApplier)
	var stages []string
	res, err := files.ApplyBundle(testContext(t), peer.Path(), packTestBundle(t, "2.0"), func(p ota.USBProgress) { stages = append(stages, p.Stage) })
	if err != nil || res.State != ota.StateFailed || !strings.Contains(res.Error, "run qpyhub setup on it first") {
		t.Fatalf("apply on a bare module: %+v, %v", res, err)
	}
	if len(stages) == 0 || stages[0] != "check" {
		t.Errorf("stages %v, want the check first", stages)
	}
	if err := services.take(peer.Path(), holderTerminal); err != nil {
		t.Fatalf("the port is still held after the apply: %v", err)
	}
	_, err = files.ApplyBundle(context.Background(), peer.Path(), packTestBundle(t, "2.0"), nil)
	if !errors.Is(err, widgets.ErrTerminalHoldsPort) {
		t.Errorf("with the terminal on the port: %v", err)
	}
	if _, err := files.ApplyBundle(context.Background(), "", packTestBundle(t, "2.0"), nil); !errors.Is(err, widgets.ErrNoModulePort) {
		t.Errorf("no port: %v", err)
	}
}
