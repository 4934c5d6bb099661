package modfs

import (
	"errors"
	"fmt"

	"qpyhub/device/repl"
)

// Causes a technician can act on; PathError says which path.
var (
	ErrNotFound  = errors.New("the file or folder does not exist on the module: check the path (your files are under /usr)")
	ErrExists    = errors.New("a file or folder with that name already exists on the module: choose another name or remove it first")
	ErrNotEmpty  = errors.New("the folder on the module is not empty: remove its files first")
	ErrIsDir     = errors.New("the path on the module is a folder, not a file: check the path")
	ErrNotDir    = errors.New("a part of the path on the module is a file, not a folder: check the path")
	ErrNoSpace   = errors.New("the module's file system is full: remove files from /usr, then try again")
	ErrReadOnly  = errors.New("that part of the module's file system is read-only: write under /usr or /bak")
	ErrCorrupted = errors.New("the file did not arrive intact on the module: try again; if it repeats, check the USB cable")
	ErrBadPath   = errors.New("the module path must be absolute (start with /), without .. or control characters")
	ErrOutside   = errors.New("files can only be changed under /usr or /bak on the module")
	ErrModule    = errors.New("the module could not do the file operation: see the details, then try again")
	ErrScript    = errors.New("the script stopped with this exception: fix it, then run it again")
)

// PathError is a failed operation on one path of the module.
type PathError struct {
	Op    string // "list", "stat", "put", "get", "remove", "mkdir", "run"
	Path  string
	Cause error // one of the Err values above
	Err   error // the underlying error (a *repl.PythonError, a port error), or nil
}

func (e *PathError) Error() string {
	if e.Err == nil {
		return fmt.Sprintf("%v (%s %s)", e.Cause, e.Op, e.Path)
	}
	return fmt.Sprintf("%v (%s %s: %v)", e.Cause, e.Op, e.Path, e.Err)
}

// Phrase is the constant English sentence of the cause, for translation.
func (e *PathError) Phrase() string { return e.Cause.Error() }

// Advice is "": every cause names its next step.
func (e *PathError) Advice() string { return "" }

func (e *PathError) Unwrap() []error {
	if e.Err == nil {
		return []error{e.Cause}
	}
	return []error{e.Cause, e.Err}
}

// errnoCauses maps MicroPython's OSError numbers to causes.
var errnoCauses = map[int]error{
	2:  ErrNotFound,
	13: ErrReadOnly,
	17: ErrExists,
	20: ErrNotDir,
	21: ErrIsDir,
	28: ErrNoSpace,
	30: ErrReadOnly,
	39: ErrNotEmpty,
}

// wrap turns an error from the REPL into a *PathError. Port and protocol
// errors keep their own advice and are only wrapped with the path.
func wrap(op, path string, err error) error {
	if err == nil {
		return nil
	}
	var pe *repl.PythonError
	if errors.As(err, &pe) && pe.Type == "OSError" {
		if cause, ok := errnoCauses[pe.Errno]; ok {
			return &PathError{Op: op, Path: path, Cause: cause, Err: err}
		}
	}
	if errors.As(err, &pe) {
		return &PathError{Op: op, Path: path, Cause: ErrModule, Err: err}
	}
	return fmt.Errorf("%s %s on the module: %w", op, path, err)
}

// Phrases lists every constant English sentence of this package's
// errors, so the application can check that each one is translated.
func Phrases() []string {
	var out []string
	for _, e := range []error{ErrNotFound, ErrExists, ErrNotEmpty, ErrIsDir, ErrNotDir, ErrNoSpace,
		ErrReadOnly, ErrCorrupted, ErrBadPath, ErrOutside, ErrModule, ErrScript, ErrLocalChanged} {
		out = append(out, e.Error())
	}
	return out
}
