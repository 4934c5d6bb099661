package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"fyne.io/fyne/v2/lang"
)

// The frame is what every command does the same way at its edges:
//   - flags may stand anywhere among the other words; "--" ends them;
//   - -h, -help or --help prints the command's help on stdout, exit 0;
//   - a bad argument (unknown flag, missing or bad value, a word too many
//     or too few, a bad field) is one stderr line
//     "qpyhub <command>: <flag or field>: <why>", exit 2;
//   - a failed operation is one stderr line per failure, starting
//     "qpyhub <command>: ", exit 1.

// command is one row of the command table (commands.go).
type command struct {
	name    string
	summary string   // English; its line in qpyhub --help
	usage   []string // the syntax lines of its help, as typed (not translated)
	about   []string // English; what it does, after the usage lines
	words   words    // what it takes besides flags
	// flags registers the command's flags on a fresh set and answers the
	// run that reads them; nil when the command is only its actions.
	flags func(fs *flag.FlagSet) runFunc
	// actions are chosen by the first word (fs ls, sas decode); their
	// lines still start "qpyhub <command>: ".
	actions []command
	// badValue is a flag and a value it refuses before anything runs:
	// the frame's tests give it to every command and action.
	badValue [2]string
	more     func(w io.Writer) // help after the flags
}

// runFunc is what a command does once its arguments are parsed. Its error
// decides the exit status: nil 0, a usageError 2, errSaid or any other 1.
type runFunc func(ctx context.Context, c *call, words []string) error

// words is what a command takes besides its flags.
type words struct {
	name     string // what help and errors call them: PAYLOAD, REMOTE
	min, max int    // max < 0: no limit
	// secret: a stray word may be a key typed without its flag, so an
	// error never shows it.
	secret bool
}

// exec runs the command with args, the words after its name, and answers
// the exit status.
func (c command) exec(ctx context.Context, w world, args []string) int {
	inv := &call{name: c.name, world: w}
	cmd, args, err := c.pick(args)
	if errors.Is(err, errHelp) {
		printHelp(w.stdout, cmd, nil)
		return 0
	}
	if err != nil {
		return inv.finish(err)
	}
	set := flag.NewFlagSet("qpyhub "+cmd.name, flag.ContinueOnError)
	set.SetOutput(io.Discard)
	do := cmd.flags(set)
	found, err := parseArgs(set, args)
	if errors.Is(err, errHelp) {
		printHelp(w.stdout, cmd, set)
		return 0
	}
	if err == nil {
		err = cmd.words.check(cmd.name, found)
	}
	if err == nil {
		err = do(ctx, inv, found)
	}
	return inv.finish(err)
}

// pick answers the action the first word names, with the words after it;
// a command with flags of its own runs itself when no action is named.
// An action's name becomes "<command> <action>", as its help shows it.
func (c command) pick(args []string) (command, []string, error) {
	if len(c.actions) == 0 {
		return c, args, nil
	}
	if len(args) > 0 {
		for _, a := range c.actions {
			if a.name == args[0] {
				a.name = c.name + " " + a.name
				if a.about == nil {
					a.about = c.about
				}
				return a, args[1:], nil
			}
		}
	}
	if c.flags != nil {
		return c, args, nil
	}
	names := make([]string, 0, len(c.actions))
	for _, a := range c.actions {
		names = append(names, a.name)
	}
	values := map[string]any{"Command": c.name, "Actions": strings.Join(names, ", ")}
	switch {
	case len(args) == 0:
		return c, nil, badArg("ACTION", lang.L("is missing: use one of {{.Actions}}; run qpyhub {{.Command}} --help", values))
	case isHelpWord(args[0]):
		return c, nil, errHelp
	}
	return c, nil, badArg(quote(args[0]), lang.L("is not an action of {{.Command}}: use one of {{.Actions}}", values))
}

// check refuses too few or too many words.
func (ws words) check(cmd string, found []string) error {
	values := map[string]any{"Command": cmd}
	switch {
	case len(found) < ws.min:
		return badArg(ws.name, lang.L("is missing; run qpyhub {{.Command}} --help", values))
	case ws.max >= 0 && len(found) > ws.max:
		extra := quote(found[ws.max])
		if ws.secret {
			extra = lang.L("a word after the flags (not shown, in case it is a key)")
		}
		if ws.max == 0 {
			return badArg(extra, lang.L("is not a flag; {{.Command}} takes no arguments; run qpyhub {{.Command}} --help", values))
		}
		return badArg(extra, lang.L("is one argument too many; run qpyhub {{.Command}} --help", values))
	}
	return nil
}

// finish prints the line an error asks for and answers the exit status.
func (c *call) finish(err error) int {
	var bad *usageError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &bad):
		c.note(bad.what + ": " + bad.why)
		return 2
	case errors.Is(err, errSaid):
		return 1
	}
	c.fail(err)
	return 1
}

// printHelp answers a command's --help: the usage lines, what it does,
// its flags (or how to see its actions' flags), then anything more.
func printHelp(w io.Writer, c command, set *flag.FlagSet) {
	fmt.Fprintln(w, lang.L("Usage:"))
	for _, u := range c.usage {
		fmt.Fprintln(w, "  "+u)
	}
	for _, a := range c.about {
		fmt.Fprintln(w, lang.L(a))
	}
	if set != nil {
		set.SetOutput(w)
		set.PrintDefaults()
	} else if len(c.actions) > 0 {
		fmt.Fprintln(w, lang.L("Run qpyhub {{.Command}} <action> --help for the flags of an action.", map[string]any{"Command": c.name}))
	}
	if c.more != nil {
		c.more(w)
	}
}

// errHelp is a request for help: -h, -help or --help among the flags.
var errHelp = errors.New("help requested")

// isHelpWord reports whether a word asks for help where an action is due.
func isHelpWord(a string) bool {
	return a == "-h" || a == "-help" || a == "--help" || a == "help"
}

// parseArgs sets the flags found anywhere among args ("-name", "--name",
// either with "=value" or the value as the next word) and answers the
// other words in order. "--" ends the flags; "-" alone is a word
// (standard input).
func parseArgs(set *flag.FlagSet, args []string) ([]string, error) {
	var found []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			return append(found, args[i+1:]...), nil
		}
		if len(a) < 2 || a[0] != '-' {
			found = append(found, a)
			continue
		}
		name, value, hasValue := strings.Cut(strings.TrimPrefix(a[1:], "-"), "=")
		f := set.Lookup(name)
		switch {
		case f == nil && (name == "h" || name == "help"):
			return nil, errHelp
		case f == nil:
			return nil, badArg(flagLabel(name), lang.L("is not a flag of {{.Command}}; run {{.Command}} --help", map[string]any{"Command": set.Name()}))
		case !hasValue && isBoolFlag(f):
			value = "true"
		case !hasValue && i+1 == len(args):
			return nil, badArg("--"+name, lang.L("needs a value"))
		case !hasValue:
			i++
			value = args[i]
		}
		if err := set.Set(name, value); err != nil {
			return nil, badArg("--"+name, badValueReason(f, value, err))
		}
	}
	return found, nil
}

// flagLabel names a flag the user typed, quoted when it holds anything
// but letters, digits and dashes, so that the line stays one line.
func flagLabel(name string) string {
	for _, r := range name {
		if !(r == '-' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return quote("--" + name)
		}
	}
	return "--" + name
}

func isBoolFlag(f *flag.Flag) bool {
	b, ok := f.Value.(interface{ IsBoolFlag() bool })
	return ok && b.IsBoolFlag()
}

// badValueReason says why a flag refused a value. The flag package's own
// types answer only "parse error", so their reason is worded here; the
// command's own flag types explain themselves.
func badValueReason(f *flag.Flag, value string, err error) string {
	getter, ok := f.Value.(flag.Getter)
	if !ok {
		return err.Error()
	}
	values := map[string]any{"Value": quote(value)}
	switch getter.Get().(type) {
	case bool:
		return lang.L("{{.Value}} is not true or false", values)
	case time.Duration:
		return lang.L("{{.Value}} is not a duration such as 10s, 2m or 1h", values)
	case int, int64, uint, uint64:
		if err.Error() == "value out of range" {
			return lang.L("{{.Value}} is out of range", values)
		}
		return lang.L("{{.Value}} is not a whole number", values)
	}
	return err.Error()
}

// quote shows a user-typed word safely in one line of output.
func quote(s string) string {
	if len(s) > 40 {
		s = s[:40] + "…"
	}
	return fmt.Sprintf("%q", s)
}
