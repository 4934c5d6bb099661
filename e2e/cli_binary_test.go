//go:build linux

package e2e

import (
	"context"
	"debug/elf"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// The commands-only build for machines without a display: one static
// file, no window, nothing of Fyne's graphics.

// elfLinking reads whether a binary asks for a program interpreter
// (PT_INTERP) and which shared libraries it needs (DT_NEEDED).
func elfLinking(t *testing.T, path string) (interp bool, needed []string) {
	t.Helper()
	f, err := elf.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, p := range f.Progs {
		interp = interp || p.Type == elf.PT_INTERP
	}
	needed, err = f.ImportedLibraries()
	if err != nil {
		t.Fatalf("%s: reading DT_NEEDED: %v", path, err)
	}
	return interp, needed
}

func TestCLIBinaryIsStatic(t *testing.T) {
	bin := cliBuild.binary(t)
	if interp, needed := elfLinking(t, bin); interp || len(needed) > 0 {
		t.Fatalf("the cli build has an interpreter (%v) or needs libraries %v; want a static binary", interp, needed)
	}
	// The same reading finds the full build's loader and libraries, so it
	// can tell a dynamic binary when it sees one.
	if interp, needed := elfLinking(t, fullBuild.binary(t)); !interp || len(needed) == 0 {
		t.Fatalf("the full build reads as interpreter %v, libraries %v: the check is blind", interp, needed)
	}
	ldd, err := exec.LookPath("ldd")
	if err != nil {
		t.Log("no ldd on this machine: the ELF headers above are the proof")
		return
	}
	out, _ := exec.Command(ldd, bin).CombinedOutput() // ldd exits 1 for a static file
	if !strings.Contains(string(out), "not a dynamic executable") && !strings.Contains(string(out), "statically linked") {
		t.Fatalf("ldd %s: %s; want it called static", bin, out)
	}
}

// Asked for the window, the commands-only build says in one line that
// it has none: a bad argument for this build, exit 2.
func TestCLIBinaryWithoutArgumentsSaysThereIsNoWindow(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	stdout, stderr, code := runBinary(t, ctx, cliBuild.binary(t))
	if code != 2 || stdout != "" || strings.Count(stderr, "\n") != 1 || !strings.HasPrefix(stderr, "qpyhub: ") || !strings.Contains(stderr, "without the window") {
		t.Fatalf("exit %d, stdout %q, stderr %q; want 2 and one line saying there is no window", code, stdout, stderr)
	}
}

// The commands-only build links nothing of Fyne's window: no GL driver,
// no go-gl module. The full build does, so the checks can fail.
func TestCLIBinaryLinksNoGraphics(t *testing.T) {
	for _, tc := range []struct {
		build   *qpyhubBuild
		drawing bool
	}{{fullBuild, true}, {cliBuild, false}} {
		t.Run(tc.build.name, func(t *testing.T) {
			modules := goOutput(t, nil, "version", "-m", tc.build.binary(t))
			if got := strings.Contains(modules, "github.com/go-gl/"); got != tc.drawing {
				t.Errorf("go version -m names go-gl: %v, want %v\n%s", got, tc.drawing, modules)
			}
			deps := goOutput(t, tc.build.env, append(append([]string{"list", "-deps"}, tc.build.flags...), "..")...)
			for _, graphics := range []string{"fyne.io/fyne/v2/internal/driver/", "github.com/go-gl/"} {
				if got := strings.Contains(deps, "\n"+graphics); got != tc.drawing {
					t.Errorf("go list -deps has %s: %v, want %v", graphics, got, tc.drawing)
				}
			}
		})
	}
}

// goOutput runs the go command with env added and answers its output.
func goOutput(t *testing.T, env []string, args ...string) string {
	t.Helper()
	cmd := exec.Command("go", args...)
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go %v: %v", args, err)
	}
	return "\n" + string(out)
}
