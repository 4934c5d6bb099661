package modfs

import (
	"context"

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
// printed. An exception in the script comes back as a *PathError whose
// Err is the *repl.PythonError, with the Result still filled in.
func (fs *FS) Run(ctx context.Context, path string) (repl.Result, error) {
	path, err := checkPath("run", path)
	if err != nil {
		return repl.Result{}, err
	}
	code := "_qpyf = open(" + pyPath(path) + ")\n_qpyc = _qpyf.read()\n_qpyf.close()\ndel _qpyf\ntry:\n    exec(_qpyc, {'__name__': '__main__'})\nfinally:\n    del _qpyc\n"
	res, err := fs.exec(ctx, code)
	return res, wrap("run", path, err)
}
