//go:build linux

package e2e

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
)

// The binaries the tests run: the full build (window and commands) and the
// commands-only static build, each built once per test run.

// qpyhubBuild is one way to build the binary, built once per test run.
type qpyhubBuild struct {
	name  string   // the subtest's name
	env   []string // added to the build's environment
	flags []string // go build flags
	once  sync.Once
	path  string
	err   error
}

var (
	// fullBuild has the window and the commands (cgo, Fyne's GL driver).
	fullBuild = &qpyhubBuild{name: "full"}
	// cliBuild has the commands only: static, for machines without a display.
	cliBuild = &qpyhubBuild{name: "cli", env: []string{"CGO_ENABLED=0"}, flags: []string{"-tags", "cli"}}
)

// binary builds the binary once per test run and answers its path.
func (b *qpyhubBuild) binary(t testing.TB) string {
	t.Helper()
	b.once.Do(func() {
		dir, err := os.MkdirTemp("", "qpyhub-"+b.name+"-")
		if err != nil {
			b.err = err
			return
		}
		b.path = filepath.Join(dir, "qpyhub")
		args := append(append([]string{"build"}, b.flags...), "-o", b.path, "..")
		cmd := exec.Command("go", args...)
		cmd.Env = append(os.Environ(), b.env...)
		if out, err := cmd.CombinedOutput(); err != nil {
			b.err = &buildError{out: string(out), err: err}
		}
	})
	if b.err != nil {
		t.Fatalf("building qpyhub (%s): %v", b.name, b.err)
	}
	return b.path
}

// forEachBinary runs test once against each build, as a subtest named by
// the build.
func forEachBinary(t *testing.T, test func(t *testing.T, bin string)) {
	for _, b := range []*qpyhubBuild{fullBuild, cliBuild} {
		t.Run(b.name, func(t *testing.T) { test(t, b.binary(t)) })
	}
}

type buildError struct {
	out string
	err error
}

func (e *buildError) Error() string { return e.err.Error() + "\n" + e.out }

// binaryEnv is a server-like environment for the binary: the C.UTF-8
// locale of containers and CI (which Fyne cannot parse: stderr must still
// hold only qpyhub's own line), and a throw-away home so no user settings
// are read or written.
func binaryEnv(t *testing.T, extra ...string) []string {
	env := []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir(), "LANG=C.UTF-8"}
	return append(env, extra...)
}

func runBinary(t *testing.T, ctx context.Context, bin string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = binaryEnv(t)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); ok {
		return out.String(), errOut.String(), ee.ExitCode()
	} else if err != nil {
		t.Fatalf("running qpyhub %v: %v", args, err)
	}
	return out.String(), errOut.String(), 0
}
