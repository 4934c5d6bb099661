package cli

import (
	"errors"
	"regexp"

	"fyne.io/fyne/v2/lang"

	"qpyhub/app/explain"
	"qpyhub/cloud"
	"qpyhub/device/modfs"
	"qpyhub/device/repl"
)

// usageError is a bad argument: the flag, field or word at fault and why.
// The frame prints it as "qpyhub <command>: <what>: <why>" and exits 2.
type usageError struct{ what, why string }

func (e *usageError) Error() string { return e.what + ": " + e.why }

// badArg is a bad argument; why is already in the user's language.
func badArg(what, why string) error { return &usageError{what: what, why: why} }

// fieldWhy says why a value was refused, to follow the flag or the
// environment variable it came from. Errors of package cloud name the
// field, never the secret value.
func fieldWhy(err error) string {
	var fe *cloud.FieldError
	if errors.As(err, &fe) {
		return fe.Field + " " + lang.L(fe.Reason)
	}
	var flagErr *flagError
	if errors.As(err, &flagErr) {
		if flagErr.other != "" {
			return lang.L(flagErr.reason) + " " + flagErr.other
		}
		return lang.L(flagErr.reason)
	}
	return err.Error()
}

// errSaid ends a command with exit 1 when its output already says why
// (a setup summary, a signature that does not match, an expired token).
var errSaid = errors.New("the command's output says why it failed")

// failure is a failed operation in the command's own words, already
// translated, with the cause after them in brackets.
type failure struct {
	text string
	err  error // nil when the text says it all
	// fallback: the words are only for a cause without a phrase of its
	// own; a cause that has one (a module check, a port in use) says more.
	fallback bool
}

func (f *failure) Error() string {
	if f.err == nil {
		return f.text
	}
	return f.text + " [" + f.err.Error() + "]"
}

func (f *failure) Unwrap() error { return f.err }

// failed is a failure in the command's own words.
func failed(text string, err error) error { return &failure{text: text, err: err} }

// failedUnlessKnown is a failure in the command's own words when the
// cause has no phrase of its own.
func failedUnlessKnown(text string, err error) error {
	return &failure{text: text, err: err, fallback: true}
}

// failureLine says in one line what went wrong and what to do, in the
// user's language, with the details after it. Every failure a command
// prints goes through here, and a core error reads as the window shows it
// (app/explain): one failure, one wording.
func failureLine(err error) string {
	var own *failure
	isOwn := errors.As(err, &own)
	if isOwn && !own.fallback {
		return own.Error()
	}
	var pathErr *modfs.PathError
	var pyErr *repl.PythonError
	if errors.As(err, &pathErr) && errors.Is(err, modfs.ErrScript) && errors.As(err, &pyErr) {
		return scriptErrorLine(pathErr.Path, pyErr) // the traceback's own line says more
	}
	if isOwn && explain.Knows(own.err) {
		return explain.Line(own.err) // the cause says more than the command's words
	}
	if explain.Knows(err) {
		return explain.Line(err)
	}
	if isOwn {
		return own.Error()
	}
	return err.Error()
}

// stageText is cause (detail): next step, translated; the setup's
// summary and records word a failed module the same way.
func stageText(phrase, detail, advice string) string {
	s := lang.L(phrase)
	if detail != "" {
		s += " (" + detail + ")"
	}
	if advice != "" {
		s += ": " + lang.L(advice)
	}
	return s
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
