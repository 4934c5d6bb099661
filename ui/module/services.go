package module

import (
	"context"
	"io"

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
}
