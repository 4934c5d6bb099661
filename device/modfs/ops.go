package modfs

import (
	"context"
	"errors"

	"qpyhub/device/repl"
)

// Remove deletes a file or an empty folder (under /usr or /bak).
func (fs *FS) Remove(ctx context.Context, path string) error {
	path, err := checkWritable("remove", path)
	if err != nil {
		return err
	}
	p := pyPath(path)
	code := "if uos.stat(" + p + ")[0] & 0x4000:\n    uos.rmdir(" + p + ")\nelse:\n    uos.remove(" + p + ")\n"
	_, err = fs.exec(ctx, code)
	return wrap("remove", path, err)
}

// Mkdir makes one folder (under /usr or /bak); its parent must exist.
func (fs *FS) Mkdir(ctx context.Context, path string) error {
	path, err := checkWritable("mkdir", path)
	if err != nil {
		return err
	}
	_, err = fs.exec(ctx, "uos.mkdir("+pyPath(path)+")\n")
	return wrap("mkdir", path, err)
}

// Run executes a script on the module, as __main__, and answers what it
// printed. The script is read first, so that a missing script is a
// *PathError with ErrNotFound; an exception in the script itself is a
// *PathError with ErrScript whose Err is the *repl.PythonError, with the
// Result still filled in.
func (fs *FS) Run(ctx context.Context, path string) (repl.Result, error) {
	path, err := checkPath("run", path)
	if err != nil {
		return repl.Result{}, err
	}
	load := "_qpyf = open(" + pyPath(path) + ")\n_qpyc = _qpyf.read()\n_qpyf.close()\ndel _qpyf\n"
	if res, err := fs.exec(ctx, load); err != nil {
		return res, wrap("run", path, err)
	}
	// Without the prelude: the script sees only what it imports itself.
	res, err := fs.r.Exec(ctx, "try:\n    exec(_qpyc, {'__name__': '__main__'})\nfinally:\n    del _qpyc\n")
	var pe *repl.PythonError
	if errors.As(err, &pe) {
		return res, &PathError{Op: "run", Path: path, Cause: ErrScript, Err: err}
	}
	return res, wrap("run", path, err)
}
