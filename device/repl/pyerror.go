package repl

import (
	"strconv"
	"strings"
)

// parsePythonError reads the exception from the end of a traceback. It
// answers nil when stderr is empty.
func parsePythonError(stderr string) *PythonError {
	text := strings.TrimSpace(stderr)
	if text == "" {
		return nil
	}
	lines := strings.Split(text, "\n")
	last := strings.TrimSpace(lines[len(lines)-1])
	e := &PythonError{Type: last, Traceback: stderr}
	if typ, msg, ok := strings.Cut(last, ":"); ok && !strings.Contains(typ, " ") {
		e.Type = typ
		e.Message = strings.TrimSpace(msg)
	}
	e.Errno = errnoOf(e.Message)
	return e
}

// errnoOf reads "[Errno 2] ENOENT" (or a bare "2", as some firmware
// prints) into 2.
func errnoOf(msg string) int {
	if rest, ok := strings.CutPrefix(msg, "[Errno "); ok {
		num, _, _ := strings.Cut(rest, "]")
		n, _ := strconv.Atoi(num)
		return n
	}
	n, err := strconv.Atoi(msg)
	if err != nil {
		return 0
	}
	return n
}
