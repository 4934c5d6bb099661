package probe

import (
	"context"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"strings"
)

//go:embed probe.py
var source string

// The script defines a function and calls it; the function stays on the
// module until it resets, so a later check calls it again with a few
// bytes instead of sending the script (every byte crosses the link,
// which may be a 115200 baud UART). Its name holds the script's digest:
// only this very script is ever reused. Comment lines are not sent.
var (
	funcName = "_qpyhubP" + digest(source)
	script   = strings.ReplaceAll(withoutComments(source), "_qpyhub_probe", funcName)
	// callAgain runs the function when it is there, else says so.
	callAgain = "if'" + funcName + "'in globals():" + funcName + "()\nelse:print('" + markNeed + "')\n"
)

// markNeed is what callAgain prints when the module lacks the function.
const markNeed = "QPYHUB?"

func digest(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:4])
}

func withoutComments(src string) string {
	var b strings.Builder
	for _, line := range strings.SplitAfter(src, "\n") {
		if !strings.HasPrefix(strings.TrimSpace(line), "#") {
			b.WriteString(line)
		}
	}
	return b.String()
}

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

// Script returns the Python program the probe sends to a module that
// does not have it yet.
func Script() string { return script }

// Run checks the module behind ex, then Parse. It calls the check left
// on the module by an earlier run, or sends the script when there is none
// (one round trip more).
func Run(ctx context.Context, ex Executor) (Report, error) {
	stdout, stderr, err := ex.Exec(ctx, callAgain)
	if err == nil && strings.Contains(stdout, markNeed) {
		stdout, stderr, err = ex.Exec(ctx, script)
	}
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
