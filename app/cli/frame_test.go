package cli

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
)

// Every command and action answers help and bad arguments the same way:
// help on stdout with exit 0; a bad argument as exactly one stderr line
// "qpyhub <command>: <flag>: <why>" with exit 2 and nothing on stdout.
func TestEveryCommandAnswersTheFrameWay(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // nothing may start: a case that reached a command's run would end at once
	for _, tc := range ArgumentCases() {
		t.Run(tc.Name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			w := testWorld(&stdout, &stderr)
			w.lookupEnv = func(string) (string, bool) { return "", false }
			code := dispatch(ctx, w, tc.Args)
			if err := tc.Check(code, stdout.String(), stderr.String()); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// Every command and action lists a bad value, refused by the flag itself
// before the command runs, so the cases above cover it.
func TestEveryCommandListsABadValue(t *testing.T) {
	var check func(cs []command, parent string)
	check = func(cs []command, parent string) {
		for _, c := range cs {
			name := strings.TrimSpace(parent + " " + c.name)
			if c.flags != nil {
				set := c.flagSet(name)
				_, err := parseArgs(set, badValueArgs(set, c.badValue))
				var bad *usageError
				if c.badValue[0] == "" || !errors.As(err, &bad) || bad.what != c.badValue[0] {
					t.Errorf("%s: bad value %q is refused with %v; want a flag of the command and a value it refuses", name, c.badValue, err)
				}
			}
			if c.flags == nil && len(c.actions) == 0 {
				t.Errorf("%s: neither flags nor actions", name)
			}
			check(c.actions, name)
		}
	}
	check(commands(), "")
}

// The cases reach every command and action of the table.
func TestArgumentCasesCoverTheTable(t *testing.T) {
	covered := map[string]bool{}
	for _, tc := range ArgumentCases() {
		key := tc.Args[0]
		if len(tc.Args) > 1 && !strings.HasPrefix(tc.Args[1], "-") {
			key += " " + tc.Args[1]
		}
		covered[key] = true
	}
	for _, c := range commands() {
		if !covered[c.name] {
			t.Errorf("%s has no cases", c.name)
		}
		for _, a := range c.actions {
			if !covered[c.name+" "+a.name] {
				t.Errorf("%s %s has no cases", c.name, a.name)
			}
		}
	}
}
