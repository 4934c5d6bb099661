package cli

import (
	"flag"
	"fmt"
	"io"
	"strings"
)

// ArgumentCase is one request for help or one bad argument that every
// command and action must answer the frame's way. The cases come from the
// command table, so a new command is covered the day it is added; the
// tests run them in-process and against the built binaries.
type ArgumentCase struct {
	Name    string   // "fs put: missing value of --port"
	Command string   // the command every stderr line must name: "fs"
	Args    []string // the words after "qpyhub"
	// Help: the case asks for help (stdout, nothing on stderr, exit 0);
	// else it is a bad argument (nothing on stdout, one stderr line that
	// starts "qpyhub <Command>: " and names Names, exit 2).
	Help  bool
	Names string
}

// ArgumentCases lists, for every command and action of the table: help
// asked three ways and among other words, an unknown flag, each flag that
// takes a value given none, each switch given a value that is not true
// or false, and the row's bad value.
func ArgumentCases() []ArgumentCase {
	var out []ArgumentCase
	for _, c := range commands() {
		if c.flags != nil {
			out = append(out, commandCases(c, c.name, []string{c.name})...)
		} else {
			out = append(out, actionCases(c)...)
		}
		for _, a := range c.actions {
			out = append(out, commandCases(a, c.name, []string{c.name, a.name})...)
		}
	}
	return out
}

// commandCases are the cases of one command or action, typed as prefix.
func commandCases(c command, top string, prefix []string) []ArgumentCase {
	name := prefix[0]
	if len(prefix) > 1 {
		name += " " + prefix[1]
	}
	with := func(args ...string) []string { return append(append([]string{}, prefix...), args...) }
	out := []ArgumentCase{
		{Name: name + ": --help", Command: top, Args: with("--help"), Help: true},
		{Name: name + ": -h", Command: top, Args: with("-h"), Help: true},
		{Name: name + ": -help", Command: top, Args: with("-help"), Help: true},
		{Name: name + ": --help after a word", Command: top, Args: with("word", "--help"), Help: true},
		{Name: name + ": unknown flag", Command: top, Args: with("--no-such-flag"), Names: "--no-such-flag"},
	}
	set := c.flagSet(name)
	set.VisitAll(func(f *flag.Flag) {
		if !isBoolFlag(f) {
			out = append(out, ArgumentCase{Name: name + ": missing value of --" + f.Name, Command: top, Args: with("--" + f.Name), Names: "--" + f.Name})
			return
		}
		// A switch takes no value word, but "=value" must be true or false.
		out = append(out, ArgumentCase{Name: name + ": bad value of --" + f.Name, Command: top, Args: with("--" + f.Name + "=maybe"), Names: "--" + f.Name})
	})
	if c.badValue[0] != "" {
		out = append(out, ArgumentCase{Name: name + ": bad value of " + c.badValue[0], Command: top,
			Args: with(badValueArgs(set, c.badValue)...), Names: c.badValue[0]})
	}
	return out
}

// actionCases are the cases of a command that is only its actions.
func actionCases(c command) []ArgumentCase {
	name := c.name
	return []ArgumentCase{
		{Name: name + ": --help", Command: name, Args: []string{name, "--help"}, Help: true},
		{Name: name + ": -h", Command: name, Args: []string{name, "-h"}, Help: true},
		{Name: name + ": help", Command: name, Args: []string{name, "help"}, Help: true},
		{Name: name + ": no action", Command: name, Args: []string{name}, Names: "ACTION"},
		{Name: name + ": unknown action", Command: name, Args: []string{name, "no-such-action"}, Names: `"no-such-action"`},
	}
}

// flagSet is the command's flags on a set of their own.
func (c command) flagSet(name string) *flag.FlagSet {
	set := flag.NewFlagSet(name, flag.ContinueOnError)
	set.SetOutput(io.Discard)
	c.flags(set)
	return set
}

// badValueArgs types a row's bad value: "--flag=value" for a flag that
// takes no value word (true or false), "--flag value" for the others.
func badValueArgs(set *flag.FlagSet, bad [2]string) []string {
	if f := set.Lookup(strings.TrimLeft(bad[0], "-")); f != nil && isBoolFlag(f) {
		return []string{bad[0] + "=" + bad[1]}
	}
	return bad[:]
}

// Check says how an answer to the case breaks the frame's rules, or nil.
func (tc ArgumentCase) Check(code int, stdout, stderr string) error {
	if tc.Help {
		if code != 0 || strings.TrimSpace(stdout) == "" || stderr != "" || !strings.Contains(stdout, "qpyhub "+tc.Command) {
			return fmt.Errorf("%q: exit %d, stdout %q, stderr %q; want 0, the help on stdout, nothing on stderr", tc.Args, code, stdout, stderr)
		}
		return nil
	}
	if code != 2 || stdout != "" || strings.Count(stderr, "\n") != 1 || !strings.HasSuffix(stderr, "\n") {
		return fmt.Errorf("%q: exit %d, stdout %q, stderr %q; want 2, nothing, one line", tc.Args, code, stdout, stderr)
	}
	if start := "qpyhub " + tc.Command + ": " + tc.Names + ": "; !strings.HasPrefix(stderr, start) {
		return fmt.Errorf("%q: stderr %q, want it to start %q", tc.Args, stderr, start)
	}
	return nil
}
