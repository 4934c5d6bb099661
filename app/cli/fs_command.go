package cli

import (
	"context"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"time"

	"fyne.io/fyne/v2/lang"

	"qpyhub/device/modfs"
	"qpyhub/device/repl"
)

// fsAction is one verb of "qpyhub fs" (fs_actions.go does the work).
type fsAction struct {
	// target is the module path the action works on, checked before the
	// module is touched ("" for none); writes: it must lie under /usr
	// or /bak.
	target func(words []string) string
	writes bool
	// wholeFolder: the target may be /usr or /bak itself (sync).
	wholeFolder bool
	// local checks the computer's file an upload reads, before the module
	// is touched, and answers its size; nil for the other actions.
	local func(words []string) (int64, error)
	do    func(c fsCommand, ctx context.Context, fs *modfs.FS, words []string) error
	// switches registers the action's own switches (put --force; sync
	// --dry-run, --delete, --force); nil for none.
	switches func(set *flag.FlagSet, o *fsSwitches)
}

// fsSwitches are the switches some fs actions take.
type fsSwitches struct {
	force, dryRun, delete bool
}

// fsCommand is one run of an fs action.
type fsCommand struct {
	*call
	asJSON bool
	budget *fsBudget
	fsSwitches
}

// fsFlags registers the flags every fs action takes; the run lists,
// copies or removes files on the module.
func fsFlags(a fsAction) func(fs *flag.FlagSet) runFunc {
	return func(fs *flag.FlagSet) runFunc {
		var m moduleFlags
		m.register(fs, fsBaseTimeout, lang.L("give up when the operation has not finished after this long; when not given, copies get 1s more for every KiB"))
		asJSON := fs.Bool("json", false, lang.L("print JSON: ls an array of entries, put and sync what was done"))
		var sw fsSwitches
		if a.switches != nil {
			a.switches(fs, &sw)
		}
		return func(ctx context.Context, c *call, words []string) error {
			if err := a.check(m, words); err != nil {
				return err
			}
			fc := fsCommand{call: c, asJSON: *asJSON, budget: &fsBudget{parent: ctx, start: time.Now()}, fsSwitches: sw}
			if flagGiven(fs, "timeout") {
				fc.budget.given = m.timeout
			}
			var size int64 // the bytes to move, when known before the module is asked
			if a.local != nil {
				var err error
				if size, err = a.local(words); err != nil {
					return err
				}
			}
			return fc.budget.explain(fc.open(m.port, size, func(ctx context.Context, fs *modfs.FS) error {
				return a.do(fc, ctx, fs, words)
			}))
		}
	}
}

// check refuses a missing port, a zero time limit and a module path the
// action may not use.
func (a fsAction) check(m moduleFlags, words []string) error {
	if err := m.check(); err != nil {
		return err
	}
	if a.target == nil {
		return nil
	}
	remote := a.target(words)
	if remote == "" {
		return nil
	}
	if a.wholeFolder && isWritableRoot(remote) {
		return nil
	}
	if err := modfs.CheckPath("", remote, a.writes); err != nil {
		var pe *modfs.PathError
		errors.As(err, &pe)
		return badArg(quote(remote), lang.L(pe.Phrase()))
	}
	return nil
}

// isWritableRoot reports whether p names /usr or /bak itself.
func isWritableRoot(p string) bool {
	p = strings.TrimRight(p, "/")
	return p == "/usr" || p == "/bak"
}

// open opens the module's file system for one action, within the time the
// budget allows for size bytes from the start of the command.
func (c fsCommand) open(port string, size int64, do func(context.Context, *modfs.FS) error) error {
	ctx, cancel := c.budget.context(size)
	defer cancel()
	s, err := repl.Open(ctx, port, repl.Options{})
	if err != nil {
		return err
	}
	defer s.Close()
	return do(ctx, modfs.New(s, modfs.Options{}))
}

// flagGiven reports whether name was set on the command line.
func flagGiven(flags *flag.FlagSet, name string) bool {
	given := false
	flags.Visit(func(f *flag.Flag) { given = given || f.Name == name })
	return given
}

// fsMaxPut bounds an upload: far more than the file system of any
// QuecPython module holds, so a bigger source is a mistake.
const fsMaxPut = 64 << 20

// checkPutSource answers the size of the local file to upload, or why it
// is refused before the module is touched.
func checkPutSource(words []string) (int64, error) {
	local := words[0]
	st, err := os.Stat(local)
	switch {
	case err != nil:
		return 0, &localFileError{phrase: phraseLocalRead, err: err}
	case !st.Mode().IsRegular():
		return 0, badArg(quote(local), lang.L("is not a regular file: fs put copies files only"))
	case st.Size() > fsMaxPut:
		return 0, badArg(quote(local), lang.L("is larger than a module can hold ({{.Max}} MiB at most): check the file", map[string]any{"Max": fsMaxPut >> 20}))
	}
	return st.Size(), nil
}

// firstWord is the module path of ls, get, rm, mkdir and run.
func firstWord(words []string) string {
	if len(words) == 0 {
		return ""
	}
	return words[0]
}

// putTarget is where "put LOCAL [REMOTE]" writes: REMOTE, REMOTE/ plus the
// local name, or /usr/ plus the local name.
func putTarget(args []string) string {
	base := filepath.Base(args[0])
	if len(args) < 2 {
		return "/usr/" + base
	}
	if strings.HasSuffix(args[1], "/") {
		return args[1] + base
	}
	return args[1]
}
