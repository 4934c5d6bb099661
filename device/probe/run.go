package probe

import (
	"context"
	_ "embed"
	"strings"
)

//go:embed probe.py
var script string

// Executor runs Python code on the module in one raw-REPL round trip and
// returns what it printed to stdout and stderr.
type Executor interface {
	Exec(ctx context.Context, code string) (stdout, stderr string, err error)
}

// ExecFunc adapts a function, such as a closure over a REPL session, to
// Executor.
type ExecFunc func(ctx context.Context, code string) (stdout, stderr string, err error)

// Exec calls f.
func (f ExecFunc) Exec(ctx context.Context, code string) (string, string, error) {
	return f(ctx, code)
}

// Script returns the Python program the probe runs on the module.
func Script() string { return script }

// Run checks the module behind ex: one round trip, then Parse.
func Run(ctx context.Context, ex Executor) (Report, error) {
	stdout, stderr, err := ex.Exec(ctx, script)
	if err != nil {
		return Report{}, &Error{Code: CodeNoAnswer, Message: "The module did not answer",
			NextStep: "Check the cable and the port, then run the check again", Err: err}
	}
	rep, err := Parse(stdout)
	if err != nil {
		if e, ok := err.(*Error); ok && e.Detail == "" {
			// The script itself failed: the module's own words say why.
			e.Detail = lastLine(stderr)
		}
		return Report{}, err
	}
	return rep, nil
}

func lastLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.LastIndexAny(s, "\r\n"); i >= 0 {
		s = s[i+1:]
	}
	if len(s) > 200 {
		s = s[:200]
	}
	return s
}
