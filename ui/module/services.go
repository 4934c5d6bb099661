package module

import (
	"context"
	"io"
	iofs "io/fs"

	"qpyhub/app/ota"
	"qpyhub/device/modfs"
	"qpyhub/device/probe"
)

// Checker runs the module check on a REPL port.
type Checker interface {
	Check(ctx context.Context, port string) (probe.Report, error)
}

// Files manages the files of the module on a REPL port. Each call takes
// the port for its own duration.
type Files interface {
	List(ctx context.Context, port, dir string) ([]modfs.Entry, error)
	// Put uploads size bytes from r to dst; progress may be nil.
	Put(ctx context.Context, port, dst string, r io.Reader, size int64, progress modfs.Progress) error
	// Get downloads src into w and answers how many bytes it wrote.
	Get(ctx context.Context, port, src string, w io.Writer, progress modfs.Progress) (int64, error)
	Remove(ctx context.Context, port, path string) error
	Mkdir(ctx context.Context, port, path string) error
	// Run executes a script and answers what it printed; a script that
	// raised answers its traceback in stderr together with an error.
	Run(ctx context.Context, port, path string) (stdout, stderr string, err error)
	// PlanSync compares the local folder with dir on the module: the dry
	// run of a sync, changing nothing.
	PlanSync(ctx context.Context, port string, local iofs.FS, dir string, opts modfs.SyncOptions) (modfs.SyncPlan, error)
	// ApplySync carries out a plan made from the same local folder and
	// answers the changes it made; progress may be nil.
	ApplySync(ctx context.Context, port string, local iofs.FS, plan modfs.SyncPlan, progress func(modfs.SyncEvent)) ([]modfs.SyncItem, error)
}

// BundleApplier puts an update bundle on a module over the USB cable,
// with the checks of an update over the air and no cloud, as
// ota.ApplyOverUSB does. A Files that is also a BundleApplier gets the
// Files tab's "Apply a bundle…".
type BundleApplier interface {
	// ReadBundle opens a bundle file and checks every file in it against
	// its manifest.
	ReadBundle(path string) (ota.Manifest, error)
	// ApplyBundle sends the bundle's files to the module on port, applies
	// them (verified first, atomic, rolled back when the new version does
	// not come online) and answers how it ended; progress may be nil. A
	// module that refuses the update (no library, no room) ends failed
	// with no error; an error means it could not be tried to the end.
	ApplyBundle(ctx context.Context, port, path string, progress func(ota.USBProgress)) (ota.USBResult, error)
}
