//go:build linux

// The test peer runs on a Linux pseudo-terminal.

package app

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"qpyhub/device/modfs"
	"qpyhub/device/repl"
	"qpyhub/device/testpeer"
)

func TestRunFSBadArguments(t *testing.T) {
	cases := []struct {
		name string
		args []string
		want string // in the one stderr line
	}{
		{"unknown action", []string{"copy", "--port", "/dev/null"}, "unknown fs action"},
		{"missing port", []string{"ls"}, "--port is missing"},
		{"too many paths", []string{"rm", "--port", "/dev/null", "/usr/a", "/usr/b"}, "wrong number of paths"},
		{"no path", []string{"get", "--port", "/dev/null"}, "wrong number of paths"},
		{"write outside /usr", []string{"mkdir", "--port", "/dev/null", "/lib/x"}, "only be changed under /usr or /bak"},
		{"put outside /usr", []string{"put", "--port", "/dev/null", "main.py", "/etc/main.py"}, "only be changed under /usr or /bak"},
		{"relative path", []string{"ls", "--port", "/dev/null", "usr"}, "must be absolute"},
		{"bad flag", []string{"ls", "--port", "/dev/null", "--colour"}, "bad flag"},
		{"zero timeout", []string{"ls", "--port", "/dev/null", "--timeout", "0s"}, "--timeout"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			code := runFS(context.Background(), tc.args, &out, &errOut)
			lines := strings.Split(strings.TrimSpace(errOut.String()), "\n")
			if code != 2 || out.Len() != 0 || len(lines) != 1 || !strings.Contains(lines[0], tc.want) {
				t.Fatalf("exit %d, stdout %q, stderr %q; want 2, nothing, one line with %q", code, out.String(), errOut.String(), tc.want)
			}
		})
	}
}

func TestRunFSHelp(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {}, {"put", "--help"}} {
		var out, errOut bytes.Buffer
		if code := runFS(context.Background(), args, &out, &errOut); code != 0 || !strings.Contains(out.String(), "qpyhub fs put") || errOut.Len() != 0 {
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
		code := runFS(ctx, st.args, &out, &errOut)
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

func TestFSErrorPhrasesAreTranslated(t *testing.T) {
	bundles := loadBundles(t)
	phrases := append(append(repl.Phrases(), modfs.Phrases()...), phraseLocalRead, phraseLocalWrite)
	for _, p := range phrases {
		for _, l := range languages {
			if _, ok := bundles[l][p]; !ok {
				t.Errorf("%s: no translation for %q", l, p)
			}
		}
	}
}
