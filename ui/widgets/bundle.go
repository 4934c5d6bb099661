package widgets

import (
	"errors"
	iofs "io/fs"

	"fyne.io/fyne/v2/lang"

	"qpyhub/app/ota"
)

// BundleErrorText words why a bundle file cannot be used, for the
// screens that open one (Updates, and the Module screen's Apply a
// bundle…): no such file, or not a bundle qpyhub made (the core's own
// words kept as the detail: which file, which field).
func BundleErrorText(err error) string {
	var be *ota.BundleError
	var me *ota.ManifestError
	switch {
	case errors.Is(err, iofs.ErrNotExist):
		return lang.L("There is no file at this path: choose the bundle again.")
	case errors.As(err, &be), errors.As(err, &me):
		return lang.L("This file is not a bundle made by qpyhub ota pack, or it changed since it was made:") + "\n" + err.Error()
	}
	return ErrorText(err)
}
