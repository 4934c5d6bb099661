package cli

import (
	"errors"
	"regexp"

	"fyne.io/fyne/v2/lang"

	"qpyhub/device/modfs"
	"qpyhub/device/repl"
)

// errorLine says in one line why the action failed and what to do.
func (c fsCommand) errorLine(err error) string {
	if line := c.budget.failureLine(err); line != "" {
		return line
	}
	var pathErr *modfs.PathError
	var pyErr *repl.PythonError
	if errors.As(err, &pathErr) && errors.Is(err, modfs.ErrScript) && errors.As(err, &pyErr) {
		return scriptErrorLine(pathErr.Path, pyErr)
	}
	return fsErrorLine(err)
}

// scriptLineRE finds a line of the script in a traceback: the script runs
// from a string, so its frames are "<string>".
var scriptLineRE = regexp.MustCompile(`File "<string>", line (\d+)`)

// scriptErrorLine is a script's exception in one line: the traceback's
// last line, where in the script, and what to do.
func scriptErrorLine(script string, e *repl.PythonError) string {
	exception := e.Type
	if e.Message != "" {
		exception += ": " + e.Message
	}
	where := script
	if m := scriptLineRE.FindAllStringSubmatch(e.Traceback, -1); m != nil {
		where = lang.L("{{.Path}}, line {{.Line}}", map[string]any{"Path": script, "Line": m[len(m)-1][1]})
	}
	return exception + " (" + where + "): " + lang.L(modfs.ErrScript.Error())
}

// fsErrorLine says in one line what went wrong and what to do, in the
// user's language, with the details after it.
func fsErrorLine(err error) string {
	var ph interface{ Phrase() string }
	for _, sentinel := range []error{repl.ErrPortGone, repl.ErrNotStopping, repl.ErrNoAnswer, repl.ErrBusy, repl.ErrClosed} {
		if errors.Is(err, sentinel) {
			return lang.L(sentinel.Error()) + " [" + err.Error() + "]"
		}
	}
	if errors.As(err, &ph) {
		return lang.L(ph.Phrase()) + " [" + err.Error() + "]"
	}
	return lang.L("The file operation on the module failed") + " [" + err.Error() + "]"
}

const (
	phraseLocalRead  = "Could not read the local file: check its name and permissions"
	phraseLocalWrite = "Could not write the local file: check the folder and free space"
)

// localFileError is a failure on the computer's side of a copy.
type localFileError struct {
	phrase string
	err    error
}

func (e *localFileError) Error() string  { return e.phrase + " (" + e.err.Error() + ")" }
func (e *localFileError) Phrase() string { return e.phrase }
func (e *localFileError) Unwrap() error  { return e.err }
