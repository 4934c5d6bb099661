package modfs

import (
	"strings"

	"qpyhub/device/repl"
)

// checkPath accepts absolute module paths without ".."; quotes are
// harmless since paths travel as escaped bytes literals.
func checkPath(op, p string) (string, error) {
	if !strings.HasPrefix(p, "/") || strings.ContainsFunc(p, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
		return "", &PathError{Op: op, Path: p, Cause: ErrBadPath}
	}
	for _, part := range strings.Split(p, "/") {
		if part == ".." || part == "." {
			return "", &PathError{Op: op, Path: p, Cause: ErrBadPath}
		}
	}
	if len(p) > 1 {
		p = strings.TrimRight(p, "/")
	}
	return p, nil
}

// checkWritable also requires the path to be inside /usr or /bak.
func checkWritable(op, p string) (string, error) {
	p, err := checkPath(op, p)
	if err != nil {
		return "", err
	}
	for _, root := range []string{"/usr/", "/bak/"} {
		if strings.HasPrefix(p, root) {
			return p, nil
		}
	}
	return "", &PathError{Op: op, Path: p, Cause: ErrOutside}
}

// CheckPath validates a module path before any port is opened: absolute,
// without "..", and for writes inside /usr or /bak. It answers a
// *PathError (ErrBadPath, ErrOutside).
func CheckPath(op, p string, write bool) error {
	var err error
	if write {
		_, err = checkWritable(op, p)
	} else {
		_, err = checkPath(op, p)
	}
	return err
}

// pyPath is a Python expression for p that survives any character.
func pyPath(p string) string { return pyString(p) }

// pyString is a Python expression for the text s, whatever it holds: a
// bytes literal (escaped where the REPL or the lexer would act on a
// byte), decoded.
func pyString(s string) string { return repl.BytesLiteral([]byte(s)) + ".decode()" }
