//go:build linux

package e2e

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"qpyhub/device/testpeer"
)

func TestBinaryFSPutStoppedBySignalLeavesNoPart(t *testing.T) {
	forEachBinary(t, func(t *testing.T, bin string) {
		for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP} {
			t.Run(sig.String(), func(t *testing.T) { checkPutStoppedBySignal(t, bin, sig) })
		}
	})
}

// checkPutStoppedBySignal stops an upload by sig once data flows: the
// binary says "cancelled" in one line, exits 1 and leaves no part file.
func checkPutStoppedBySignal(t *testing.T, bin string, sig syscall.Signal) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	peer, err := testpeer.Start(ctx, testpeer.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer peer.Close()
	big := filepath.Join(t.TempDir(), "big.bin")
	if err := os.WriteFile(big, bytes.Repeat([]byte("QuecPython"), 300_000), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(ctx, bin, "fs", "put", "--port", peer.Path(), big)
	cmd.Env = binaryEnv(t)
	var errOut bytes.Buffer
	cmd.Stderr = &errOut
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Stop it once file data flows into the part file.
	for strings.Count(string(peer.Received()), "_qpyw(b'") < 3 {
		select {
		case <-ctx.Done():
			t.Fatalf("the upload never started; stderr %q", errOut.String())
		case <-time.After(10 * time.Millisecond):
		}
	}
	if err := cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
	var exit *exec.ExitError
	if err := cmd.Wait(); !errors.As(err, &exit) || exit.ExitCode() != 1 {
		t.Fatalf("after %v: %v, want exit status 1 (the program ending by itself); stderr %q", sig, err, errOut.String())
	}
	if line := strings.TrimRight(errOut.String(), "\n"); strings.Contains(line, "\n") || !strings.Contains(line, "cancelled") {
		t.Fatalf("put stopped by %v: stderr %q, want one line saying cancelled", sig, errOut.String())
	}
	assertNoFileOnModule(ctx, t, bin, peer.Path(), "big.bin")
}

// assertNoFileOnModule fails unless /usr on the module holds neither name
// nor its part file, as `qpyhub fs ls` sees it.
func assertNoFileOnModule(ctx context.Context, t *testing.T, bin, port, name string) {
	t.Helper()
	out, errOut, code := runBinary(t, ctx, bin, "fs", "ls", "--port", port, "--json")
	if code != 0 {
		t.Fatalf("ls: exit %d, stderr %q", code, errOut)
	}
	for _, bad := range []string{`"` + name + `"`, `"` + name + `.part"`} {
		if strings.Contains(out, bad) {
			t.Fatalf("/usr holds %s: %s", bad, out)
		}
	}
}
