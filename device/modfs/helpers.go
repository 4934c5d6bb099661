package modfs

import (
	"context"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"errors"
	"strings"

	"qpyhub/device/repl"
)

//go:embed helpers.py
var helperSource string

// The helpers go to the module once and stay there until it resets:
// their names hold the source's digest, so only these very helpers are
// ever called, and a command that finds them missing defines them and
// runs again.
var (
	helperTag  = "_qpyh" + digestOf(helperSource)
	helperCode = compactPython(strings.ReplaceAll(helperSource, "_qpyh", helperTag))
	hDigest    = helperTag + "D" // digest of one file
	hCommit    = helperTag + "C" // check an upload's part file, then rename it
	hWalk      = helperTag + "W" // list a tree
)

func digestOf(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:4])
}

// compactPython drops comment and blank lines and indents by one space a
// level instead of four: every byte crosses the link. Only for code that
// indents by four spaces and has no multi-line strings.
func compactPython(src string) string {
	var b strings.Builder
	for _, line := range strings.Split(src, "\n") {
		body := strings.TrimLeft(line, " ")
		if body == "" || strings.HasPrefix(body, "#") {
			continue
		}
		b.WriteString(strings.Repeat(" ", (len(line)-len(body))/4))
		b.WriteString(body)
		b.WriteByte('\n')
	}
	return b.String()
}

// execHelped runs code that calls the helpers, defining them first when
// the module lacks them. code must call a helper before anything else
// that changes the module, as a missing name stops it there.
func (fs *FS) execHelped(ctx context.Context, code string) (repl.Result, error) {
	res, err := fs.exec(ctx, code)
	var pe *repl.PythonError
	if !errors.As(err, &pe) || pe.Type != "NameError" || !strings.Contains(pe.Message, helperTag) {
		return res, err
	}
	if _, err := fs.exec(ctx, helperCode); err != nil {
		return res, err
	}
	return fs.exec(ctx, code)
}
