package widgets

import (
	"fmt"
	iofs "io/fs"
	"strings"
	"testing"

	"qpyhub/app/ota"
)

func TestBundleErrorTextSaysWhatIsWrongWithTheFile(t *testing.T) {
	missing := fmt.Errorf("open bundle: %w", &iofs.PathError{Op: "open", Path: "/tmp/a.zip", Err: iofs.ErrNotExist})
	if got := BundleErrorText(missing); got != "There is no file at this path: choose the bundle again." {
		t.Errorf("a missing file: %q", got)
	}
	broken := fmt.Errorf("/tmp/a.zip: %w", &ota.ManifestError{Field: "files[0].sha256", Reason: "does not match the file's bytes"})
	if got := BundleErrorText(broken); !strings.HasPrefix(got, "This file is not a bundle made by qpyhub ota pack") || !strings.Contains(got, "files[0].sha256") {
		t.Errorf("a broken bundle: %q", got)
	}
	if got := BundleErrorText(&ota.BundleError{Reason: "is not a zip file"}); !strings.Contains(got, "is not a zip file") {
		t.Errorf("not a zip: %q", got)
	}
}
