package cli

import (
	"context"
	"io"
	"strings"
)

// testWorld is the real world with the outputs a test reads and an empty
// standard input.
func testWorld(stdout, stderr io.Writer) world {
	w := osWorld()
	w.stdin, w.stdout, w.stderr = strings.NewReader(""), stdout, stderr
	return w
}

// runCommand runs "qpyhub <name> args…" through the table and the frame,
// as Main does.
func runCommand(ctx context.Context, name string, args []string, stdout, stderr io.Writer) int {
	return dispatch(ctx, testWorld(stdout, stderr), append([]string{name}, args...))
}
