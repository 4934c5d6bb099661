package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"fyne.io/fyne/v2/lang"

	"qpyhub/device/modfs"
	"qpyhub/device/repl"
)

// fsAction is one verb of "qpyhub fs": how many module paths it takes,
// whether it writes, and what it does on an open file system.
type fsAction struct {
	minArgs, maxArgs int
	writes           bool // the first argument (or the target) must be under /usr or /bak
	do               func(c fsCommand, ctx context.Context, fs *modfs.FS, args []string) error
}

// fsCommand is one run of "qpyhub fs".
type fsCommand struct {
	stdout, stderr io.Writer
	asJSON         bool
	budget         *fsBudget
}

var fsUsage = []string{
	"  qpyhub fs ls    --port P [--json] [DIR]",
	"  qpyhub fs put   --port P LOCAL [REMOTE]",
	"  qpyhub fs get   --port P REMOTE [LOCAL|-]",
	"  qpyhub fs rm    --port P REMOTE",
	"  qpyhub fs mkdir --port P REMOTE",
	"  qpyhub fs run   --port P REMOTE",
}

func fsActions() map[string]fsAction {
	return map[string]fsAction{
		"ls":    {0, 1, false, fsCommand.list},
		"put":   {1, 2, true, fsCommand.put},
		"get":   {1, 2, false, fsCommand.get},
		"rm":    {1, 1, true, fsCommand.remove},
		"mkdir": {1, 1, true, fsCommand.mkdir},
		"run":   {1, 1, false, fsCommand.run},
	}
}

// runFS lists, copies and removes files on the module.
func runFS(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	c := fsCommand{stdout: stdout, stderr: stderr}
	if len(args) == 0 {
		fmt.Fprintln(stderr, lang.L("fs needs an action: ls, put, get, rm, mkdir or run; run qpyhub fs --help"))
		return 2
	}
	if isHelp(args[0]) {
		c.printHelp(nil)
		return 0
	}
	action, ok := fsActions()[args[0]]
	if !ok {
		fmt.Fprintln(stderr, lang.L("{{.Arg}}: unknown fs action; use ls, put, get, rm, mkdir or run", map[string]any{"Arg": quote(args[0])}))
		return 2
	}
	flags := flag.NewFlagSet("fs "+args[0], flag.ContinueOnError)
	port := flags.String("port", "", lang.L("serial port of the module's REPL, for example /dev/ttyUSB2 or COM5 (see qpyhub ports)"))
	timeout := flags.Duration("timeout", fsBaseTimeout, lang.L("give up when the operation has not finished after this long; when not given, copies get 1s more for every KiB"))
	flags.BoolVar(&c.asJSON, "json", false, lang.L("print a JSON array (ls)"))
	flags.SetOutput(io.Discard)
	rest, err := parseInterspersed(flags, args[1:])
	if errors.Is(err, flag.ErrHelp) {
		c.printHelp(flags)
		return 0
	}
	if msg := c.checkArgs(err, action, *port, *timeout, rest); msg != "" {
		fmt.Fprintln(stderr, msg)
		return 2
	}
	c.budget = &fsBudget{parent: ctx, start: time.Now()}
	if flagGiven(flags, "timeout") {
		c.budget.given = *timeout
	}
	var size int64 // the bytes to move, when known before the module is asked
	if args[0] == "put" {
		var msg string
		var code int
		if size, msg, code = checkPutSource(rest[0]); msg != "" {
			fmt.Fprintln(stderr, msg)
			return code
		}
	}
	ctx, cancel := c.budget.context(size)
	defer cancel()
	s, err := repl.Open(ctx, *port, repl.Options{})
	if err != nil {
		fmt.Fprintln(stderr, c.errorLine(err))
		return 1
	}
	defer s.Close()
	if err := action.do(c, ctx, modfs.New(s, modfs.Options{}), rest); err != nil {
		fmt.Fprintln(stderr, c.errorLine(err))
		return 1
	}
	return 0
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

// checkPutSource answers the size of the local file to upload, or the one
// line and the exit status that refuse it before the module is touched.
func checkPutSource(local string) (size int64, msg string, code int) {
	st, err := os.Stat(local)
	switch {
	case err != nil:
		return 0, fsErrorLine(&localFileError{phrase: phraseLocalRead, err: err}), 1
	case !st.Mode().IsRegular():
		return 0, lang.L("{{.Path}} is not a regular file: fs put copies files only", map[string]any{"Path": quote(local)}), 2
	case st.Size() > fsMaxPut:
		return 0, lang.L("{{.Path}} is larger than a module can hold ({{.Max}} MiB at most): check the file", map[string]any{"Path": quote(local), "Max": fsMaxPut >> 20}), 2
	}
	return st.Size(), "", 0
}

// checkArgs answers the one line that explains bad arguments, or "".
func (c fsCommand) checkArgs(err error, a fsAction, port string, timeout time.Duration, rest []string) string {
	switch {
	case err != nil:
		return devFlagLine("fs", err)
	case strings.TrimSpace(port) == "":
		return lang.L("--port is missing: name the module's REPL port (qpyhub ports lists them)")
	case timeout <= 0:
		return lang.L("--timeout must be longer than zero, for example 10s")
	case len(rest) < a.minArgs || len(rest) > a.maxArgs:
		return lang.L("wrong number of paths: run qpyhub fs --help")
	}
	if len(rest) == 0 {
		return ""
	}
	remote, write := rest[0], a.writes
	if a.maxArgs == 2 && a.writes { // put: the module path is the second one
		remote = putTarget(rest)
	}
	if err := modfs.CheckPath("", remote, write); err != nil {
		var pe *modfs.PathError
		errors.As(err, &pe)
		return lang.L(pe.Phrase()) + " (" + quote(remote) + ")"
	}
	return ""
}

func (c fsCommand) printHelp(flags *flag.FlagSet) {
	fmt.Fprintln(c.stdout, lang.L("Usage:"))
	for _, l := range fsUsage {
		fmt.Fprintln(c.stdout, l)
	}
	fmt.Fprintln(c.stdout, lang.L("Lists, copies and removes files on the module; uploads replace a file only after it arrived intact."))
	if flags != nil {
		flags.SetOutput(c.stdout)
		flags.PrintDefaults()
	}
}

func isHelp(a string) bool {
	return a == "-h" || a == "-help" || a == "--help" || a == "help"
}

// parseInterspersed lets flags come before, between or after the paths.
func parseInterspersed(flags *flag.FlagSet, args []string) ([]string, error) {
	var rest []string
	for {
		if err := flags.Parse(args); err != nil {
			return nil, err
		}
		args = flags.Args()
		if len(args) == 0 {
			return rest, nil
		}
		if args[0] == "--" {
			return append(rest, args[1:]...), nil
		}
		rest = append(rest, args[0])
		args = args[1:]
	}
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

type fsEntryJSON struct {
	Name  string `json:"name"`
	Size  int64  `json:"size"`
	IsDir bool   `json:"dir"`
}

func (c fsCommand) list(ctx context.Context, fs *modfs.FS, args []string) error {
	dir := "/usr"
	if len(args) == 1 {
		dir = args[0]
	}
	entries, err := fs.List(ctx, dir)
	if err != nil {
		return err
	}
	if c.asJSON {
		out := make([]fsEntryJSON, 0, len(entries))
		for _, e := range entries {
			out = append(out, fsEntryJSON{e.Name, e.Size, e.IsDir})
		}
		enc := json.NewEncoder(c.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	if len(entries) == 0 {
		fmt.Fprintln(c.stdout, lang.L("{{.Dir}} is empty.", map[string]any{"Dir": dir}))
		return nil
	}
	tw := tabwriter.NewWriter(c.stdout, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "%s\t%s\t\n", lang.L("SIZE"), lang.L("NAME"))
	for _, e := range entries {
		if e.IsDir {
			fmt.Fprintf(tw, "-\t%s/\t\n", e.Name)
		} else {
			fmt.Fprintf(tw, "%d\t%s\t\n", e.Size, e.Name)
		}
	}
	return tw.Flush()
}

func (c fsCommand) put(ctx context.Context, fs *modfs.FS, args []string) error {
	f, err := os.Open(args[0])
	if err != nil {
		return &localFileError{phrase: phraseLocalRead, err: err}
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return &localFileError{phrase: phraseLocalRead, err: err}
	}
	target := putTarget(args)
	if err := fs.Put(ctx, target, f, st.Size(), nil); err != nil {
		return err
	}
	fmt.Fprintln(c.stdout, lang.L("Copied {{.Size}} bytes to {{.Path}}.", map[string]any{"Size": st.Size(), "Path": target}))
	return nil
}

func (c fsCommand) get(ctx context.Context, fs *modfs.FS, args []string) error {
	local := path.Base(args[0])
	if len(args) == 2 {
		local = args[1]
	}
	// The time allowed grows with the file's size, known from the module.
	entry, err := fs.Stat(ctx, args[0])
	if err != nil {
		return err
	}
	ctx, cancel := c.budget.context(entry.Size)
	defer cancel()
	if local == "-" {
		_, err := fs.Get(ctx, args[0], c.stdout, nil)
		return err
	}
	f, err := os.Create(local)
	if err != nil {
		return &localFileError{phrase: phraseLocalWrite, err: err}
	}
	n, err := fs.Get(ctx, args[0], f, nil)
	if cerr := f.Close(); err == nil && cerr != nil {
		err = &localFileError{phrase: phraseLocalWrite, err: cerr}
	}
	if err != nil {
		os.Remove(local) // a partial copy would look complete
		return err
	}
	fmt.Fprintln(c.stdout, lang.L("Copied {{.Size}} bytes to {{.Path}}.", map[string]any{"Size": n, "Path": local}))
	return nil
}

func (c fsCommand) remove(ctx context.Context, fs *modfs.FS, args []string) error {
	if err := fs.Remove(ctx, args[0]); err != nil {
		return err
	}
	fmt.Fprintln(c.stdout, lang.L("Removed {{.Path}}.", map[string]any{"Path": args[0]}))
	return nil
}

func (c fsCommand) mkdir(ctx context.Context, fs *modfs.FS, args []string) error {
	if err := fs.Mkdir(ctx, args[0]); err != nil {
		return err
	}
	fmt.Fprintln(c.stdout, lang.L("Made folder {{.Path}}.", map[string]any{"Path": args[0]}))
	return nil
}

// run prints the script's output as it is; an exception it raised
// becomes the one error line.
func (c fsCommand) run(ctx context.Context, fs *modfs.FS, args []string) error {
	res, err := fs.Run(ctx, args[0])
	io.WriteString(c.stdout, res.Stdout)
	return err
}
