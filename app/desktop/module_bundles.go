package desktop

import (
	"context"
	"errors"

	"qpyhub/app/ota"
	"qpyhub/ui/widgets"
)

// ReadBundle implements module.BundleApplier: the bundle checked whole.
func (f moduleFiles) ReadBundle(path string) (ota.Manifest, error) {
	b, err := ota.OpenBundle(path)
	if err != nil {
		return ota.Manifest{}, err
	}
	return b.Manifest, nil
}

// ApplyBundle implements module.BundleApplier with ota.ApplyOverUSB,
// holding the port as every other operation does. A module that refuses
// the update (no library, an update under way, no room) is an outcome,
// failed with the reason, not an error.
func (f moduleFiles) ApplyBundle(ctx context.Context, port, path string, progress func(ota.USBProgress)) (ota.USBResult, error) {
	if port == "" {
		return ota.USBResult{}, widgets.ErrNoModulePort
	}
	b, err := ota.OpenBundle(path)
	if err != nil {
		return ota.USBResult{}, err
	}
	if err := f.m.take(port, holderOperation); err != nil {
		return ota.USBResult{}, err
	}
	defer f.m.give(port)
	res, err := ota.ApplyOverUSB(ctx, port, b, ota.USBOptions{}, progress)
	if err != nil && !(res.State == ota.StateFailed && res.Error != "") {
		if !errors.Is(err, context.Canceled) {
			f.m.log.Warn("bundle not applied over USB", "port", port, "version", b.Manifest.Version, "err", err)
		}
		return res, err
	}
	f.m.log.Info("bundle applied over USB", "port", port, "version", res.Version, "state", res.State,
		"error", res.Error, "running", res.Running, "unchanged", res.Unchanged)
	return res, nil
}
