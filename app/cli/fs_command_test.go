//go:build linux

// The test peer runs on a Linux pseudo-terminal.

package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"qpyhub/device/repl"
	"qpyhub/device/testpeer"
)

func TestRunFSBadArguments(t *testing.T) {
	cases := []struct {
		name string
		args []string
		want string // in the one stderr line
	}{
		{"unknown action", []string{"copy", "--port", "/dev/null"}, `"copy": is not an action of fs`},
		{"missing port", []string{"ls"}, "--port: is missing"},
		{"too many paths", []string{"rm", "--port", "/dev/null", "/usr/a", "/usr/b"}, `"/usr/b": is one argument too many`},
		{"no path", []string{"get", "--port", "/dev/null"}, "REMOTE: is missing"},
		{"write outside /usr", []string{"mkdir", "--port", "/dev/null", "/lib/x"}, "only be changed under /usr or /bak"},
		{"put outside /usr", []string{"put", "--port", "/dev/null", "main.py", "/etc/main.py"}, "only be changed under /usr or /bak"},
		{"relative path", []string{"ls", "--port", "/dev/null", "usr"}, "must be absolute"},
		{"bad flag", []string{"ls", "--port", "/dev/null", "--colour"}, "--colour: is not a flag"},
		{"zero timeout", []string{"ls", "--port", "/dev/null", "--timeout", "0s"}, "--timeout"},
		{"no action", []string{}, "ACTION: is missing"},
		{"flags before the action", []string{"--port", "/dev/null", "ls"}, `"--port": is not an action of fs`},
		{"put a device that never ends", []string{"put", "--port", "/dev/null", "/dev/zero"}, "not a regular file"},
		{"put a folder", []string{"put", "--port", "/dev/null", os.TempDir()}, "not a regular file"},
		{"sync a missing folder", []string{"sync", "--port", "/dev/null", "/no/such/project"}, `"/no/such/project": does not exist`},
		{"sync a file", []string{"sync", "--port", "/dev/null", "/etc/hostname"}, `"/etc/hostname": is not a folder`},
		{"sync outside /usr", []string{"sync", "--port", "/dev/null", os.TempDir(), "/lib"}, "only be changed under /usr or /bak"},
		{"sync to the root", []string{"sync", "--port", "/dev/null", os.TempDir(), "/"}, "only be changed under /usr or /bak"},
		{"sync a relative target", []string{"sync", "--port", "/dev/null", os.TempDir(), "usr/app"}, "must be absolute"},
		{"sync above the target", []string{"sync", "--port", "/dev/null", os.TempDir(), "/usr/../lib"}, "must be absolute"},
		{"sync without a folder", []string{"sync", "--port", "/dev/null"}, "LOCALDIR: is missing"},
		{"sync --dry-run=maybe", []string{"sync", "--port", "/dev/null", "--dry-run=maybe", os.TempDir()}, "--dry-run"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			code := runCommand(context.Background(), "fs", tc.args, &out, &errOut)
			lines := strings.Split(strings.TrimSpace(errOut.String()), "\n")
			if code != 2 || out.Len() != 0 || len(lines) != 1 || !strings.HasPrefix(lines[0], "qpyhub fs: ") || !strings.Contains(lines[0], tc.want) {
				t.Fatalf("exit %d, stdout %q, stderr %q; want 2, nothing, one line with %q", code, out.String(), errOut.String(), tc.want)
			}
		})
	}
}

func TestRunFSHelp(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"help"}, {"put", "--help"}} {
		var out, errOut bytes.Buffer
		if code := runCommand(context.Background(), "fs", args, &out, &errOut); code != 0 || !strings.Contains(out.String(), "qpyhub fs put") || errOut.Len() != 0 {
			t.Errorf("%v: exit %d, stdout %q, stderr %q", args, code, out.String(), errOut.String())
		}
	}
}

func TestRunFSAgainstPeer(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	peer, err := testpeer.Start(ctx, testpeer.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer peer.Close()
	dir := t.TempDir()
	local := filepath.Join(dir, "连接.py")
	script := "print('上线', 6 * 7)\n"
	if err := os.WriteFile(local, []byte(script), 0o644); err != nil {
		t.Fatal(err)
	}
	binary := make([]byte, 1000)
	for i := range binary {
		binary[i] = byte(i)
	}
	binPath := filepath.Join(dir, "blob.bin")
	if err := os.WriteFile(binPath, binary, 0o644); err != nil {
		t.Fatal(err)
	}
	port := peer.Path()
	steps := []struct {
		args     []string
		code     int
		stdout   string // substring; "" for any
		stderr   string // substring; "" means stderr must be empty
		jsonList []string
	}{
		{args: []string{"mkdir", "--port", port, "/usr/app"}, stdout: "/usr/app"},
		{args: []string{"put", local, "/usr/app/", "--port", port}, stdout: "Copied " + itoa(int64(len(script))) + " bytes to /usr/app/连接.py"},
		{args: []string{"put", "--port", port, binPath}, stdout: "Copied 1000 bytes to /usr/blob.bin"},
		{args: []string{"ls", "--port", port}, stdout: "app/"},
		{args: []string{"ls", "--port", port, "--json", "/usr"}, jsonList: []string{"app/", "blob.bin 1000"}},
		{args: []string{"run", "--port", port, "/usr/app/连接.py"}, stdout: "上线 42\n"},
		{args: []string{"get", "--port", port, "/usr/app/连接.py", "-"}, stdout: script},
		{args: []string{"get", "--port", port, "/usr/blob.bin", filepath.Join(dir, "back.bin")}, stdout: "Copied 1000 bytes"},
		{args: []string{"rm", "--port", port, "/usr/app"}, code: 1, stderr: "not empty"},
		{args: []string{"get", "--port", port, "/usr/nothing.txt", "-"}, code: 1, stderr: "does not exist"},
		{args: []string{"rm", "--port", port, "/usr/app/连接.py"}, stdout: "Removed"},
		{args: []string{"rm", "--port", port, "/usr/app"}, stdout: "Removed"},
		{args: []string{"ls", "--port", port, "--json"}, jsonList: []string{"blob.bin 1000"}},
	}
	for _, st := range steps {
		var out, errOut bytes.Buffer
		code := runCommand(ctx, "fs", st.args, &out, &errOut)
		if code != st.code {
			t.Fatalf("%v: exit %d, want %d; stderr %q", st.args, code, st.code, errOut.String())
		}
		if !strings.Contains(out.String(), st.stdout) {
			t.Errorf("%v: stdout %q, want %q", st.args, out.String(), st.stdout)
		}
		if (st.stderr == "") != (errOut.Len() == 0) || !strings.Contains(errOut.String(), st.stderr) {
			t.Errorf("%v: stderr %q, want %q", st.args, errOut.String(), st.stderr)
		}
		if st.jsonList != nil {
			var entries []fsEntryJSON
			if err := json.Unmarshal(out.Bytes(), &entries); err != nil {
				t.Fatalf("%v: %v in %q", st.args, err, out.String())
			}
			var got []string
			for _, e := range entries {
				if e.IsDir {
					got = append(got, e.Name+"/")
				} else {
					got = append(got, e.Name+" "+itoa(e.Size))
				}
			}
			if strings.Join(got, ",") != strings.Join(st.jsonList, ",") {
				t.Errorf("%v: entries %v, want %v", st.args, got, st.jsonList)
			}
		}
	}
	back, err := os.ReadFile(filepath.Join(dir, "back.bin"))
	if err != nil || !bytes.Equal(back, binary) {
		t.Fatalf("downloaded blob differs (%v)", err)
	}
}

func itoa(n int64) string {
	b, _ := json.Marshal(n)
	return string(b)
}

// oneLine fails the test unless stderr is exactly one line holding all of
// want.
func oneLine(t *testing.T, what, stderr string, want ...string) {
	t.Helper()
	if strings.Count(strings.TrimRight(stderr, "\n"), "\n") != 0 || stderr == "" {
		t.Fatalf("%s: stderr %q, want one line", what, stderr)
	}
	for _, w := range want {
		if !strings.Contains(stderr, w) {
			t.Fatalf("%s: stderr %q, want it to hold %q", what, stderr, w)
		}
	}
}

func TestRunFSScriptFailureIsOneLine(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	peer, err := testpeer.Start(ctx, testpeer.Options{Files: map[string][]byte{
		"bad.py": []byte("print('starting')\ndef load():\n    return 1 / 0\nload()\n"),
	}})
	if err != nil {
		t.Fatal(err)
	}
	defer peer.Close()
	var out, errOut bytes.Buffer
	if code := runCommand(ctx, "fs", []string{"run", "--port", peer.Path(), "/usr/bad.py"}, &out, &errOut); code != 1 {
		t.Fatalf("exit %d, want 1; stderr %q", code, errOut.String())
	}
	if out.String() != "starting\n" {
		t.Errorf("stdout %q, want the script's output", out.String())
	}
	oneLine(t, "run", errOut.String(), "ZeroDivisionError", "/usr/bad.py, line 3", "fix it, then run it again")
}

func TestFSTimeLimitGrowsWithTheBytes(t *testing.T) {
	cases := []struct {
		given time.Duration
		bytes int64
		want  time.Duration
	}{
		{0, 0, fsBaseTimeout},
		{0, 2_600_000, fsBaseTimeout + 2_600_000*time.Second/fsFloorRate},
		{50 * time.Second, 2_600_000, 50 * time.Second}, // --timeout is the whole limit
	}
	for _, tc := range cases {
		b := fsBudget{given: tc.given}
		if got := b.limit(tc.bytes); got != tc.want {
			t.Errorf("given %v, %d bytes: limit %v, want %v", tc.given, tc.bytes, got, tc.want)
		}
	}
}

func TestRunFSTimeoutNamesTheFlagAndLeavesNoPart(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	peer, err := testpeer.Start(ctx, testpeer.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer peer.Close()
	big := filepath.Join(t.TempDir(), "big.bin")
	if err := os.WriteFile(big, bytes.Repeat([]byte("QuecPython"), 200_000), 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	if code := runCommand(ctx, "fs", []string{"put", "--port", peer.Path(), "--timeout", "1s", big}, &out, &errOut); code != 1 {
		t.Fatalf("exit %d, want 1; stdout %q stderr %q", code, out.String(), errOut.String())
	}
	oneLine(t, "put past its time", errOut.String(), "--timeout")
	assertNoFile(ctx, t, peer.Path(), "big.bin")
}

// assertNoFile fails when /usr on the module holds name or its part file.
func assertNoFile(ctx context.Context, t *testing.T, port, name string) {
	t.Helper()
	var out, errOut bytes.Buffer
	if code := runCommand(ctx, "fs", []string{"ls", "--port", port, "--json"}, &out, &errOut); code != 0 {
		t.Fatalf("ls: exit %d, stderr %q", code, errOut.String())
	}
	for _, bad := range []string{`"` + name + `"`, `"` + name + `.part"`} {
		if strings.Contains(out.String(), bad) {
			t.Fatalf("/usr holds %s: %s", bad, out.String())
		}
	}
}

func TestRunFSOnAVerySlowModuleObeysTheTimeout(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	peer, err := testpeer.Start(ctx, testpeer.Options{BytesPerSec: 100})
	if err != nil {
		t.Fatal(err)
	}
	defer peer.Close()
	var out, errOut bytes.Buffer
	if code := runCommand(ctx, "fs", []string{"ls", "--port", peer.Path(), "--timeout", "50s"}, &out, &errOut); code != 0 {
		t.Fatalf("ls on a slow module with --timeout 50s: exit %d, stderr %q", code, errOut.String())
	}
}

func TestRunFSOnAPortInUse(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	peer, err := testpeer.Start(ctx, testpeer.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer peer.Close()
	held, err := repl.Open(ctx, peer.Path(), repl.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	var out, errOut bytes.Buffer
	if code := runCommand(ctx, "fs", []string{"ls", "--port", peer.Path()}, &out, &errOut); code != 1 {
		t.Fatalf("exit %d, want 1; stderr %q", code, errOut.String())
	}
	oneLine(t, "ls on a held port", errOut.String(), fmt.Sprintf("in use by another program (pid %d", os.Getpid()))
}
