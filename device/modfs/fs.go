package modfs

import (
	"context"
	"io"

	"qpyhub/device/repl"
)

// Runner runs Python on the module; *repl.Session is one.
type Runner interface {
	Exec(ctx context.Context, code string) (repl.Result, error)
	// SendData calls call(b'…') with consecutive pieces of r, as
	// *repl.Session.SendData does.
	SendData(ctx context.Context, call string, r io.Reader, maxPiece int, progress func(taken int64)) (int64, error)
}

// Progress is told how many bytes of total are done.
type Progress func(done, total int64)

// Options tune transfers; the zero value suits QuecPython modules.
type Options struct {
	// ChunkBytes is the most file data one command carries where the
	// firmware has raw-paste (default 3072: small enough for a module's
	// heap); without it, a command carries one input buffer.
	ChunkBytes int
	// Force makes Put send files the module already has.
	Force bool
}

// FS is the file system of one module.
type FS struct {
	r     Runner
	chunk int
	force bool
}

// New answers the file system reached through r.
func New(r Runner, opts Options) *FS {
	if opts.ChunkBytes <= 0 {
		opts.ChunkBytes = 3072
	}
	return &FS{r: r, chunk: opts.ChunkBytes, force: opts.Force}
}

// prelude imports what every snippet uses, with the names old firmware
// knows.
const prelude = "import uos, ubinascii\n"

func (fs *FS) exec(ctx context.Context, code string) (repl.Result, error) {
	return fs.r.Exec(ctx, prelude+code)
}
