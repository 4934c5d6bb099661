//go:build linux

package ota

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// bundleOf packs files (paths under /usr) as version v.
func bundleOf(t *testing.T, v string, files map[string][]byte) *Bundle {
	t.Helper()
	dir := t.TempDir()
	for p, b := range files {
		local := filepath.Join(dir, filepath.FromSlash(strings.TrimPrefix(p, "/usr/")))
		if err := os.MkdirAll(filepath.Dir(local), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(local, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var zip bytes.Buffer
	if _, err := Pack(dir, v, &zip); err != nil {
		t.Fatal(err)
	}
	b, err := ReadBundle(zip.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Over the USB cable: the bundle's files are pushed and applied, the new
// version comes online and is committed; the same bundle again changes
// nothing; a version whose main.py raises is rolled back.
func TestApplyOverUSB(t *testing.T) {
	t.Parallel()
	v1, v2 := version("1", ""), version("2", "")
	r := newRig(t, 60, nil, v1)
	r.con.waitFor(r.ctx, t, regexp.MustCompile(`QPYHUB online ok`))
	r.con.close()
	var lines []string
	progress := func(p USBProgress) {
		if p.Line != "" {
			lines = append(lines, p.Line)
		}
	}
	res, err := ApplyOverUSB(r.ctx, r.peer.Path(), bundleOf(t, "2", v2), USBOptions{OnlineTimeout: time.Minute}, progress)
	if err != nil || res.State != StateDone || res.Running != "2" {
		t.Fatalf("apply: %+v, %v\n%s", res, err, strings.Join(lines, "\n"))
	}
	res, err = ApplyOverUSB(r.ctx, r.peer.Path(), bundleOf(t, "2", v2), USBOptions{}, nil)
	if err != nil || !res.Unchanged || res.State != StateDone {
		t.Fatalf("the same bundle again: %+v, %v", res, err)
	}
	r.wantVersion(r.files(), v2)

	v3 := version("3", "raise RuntimeError('broken build')")
	res, err = ApplyOverUSB(r.ctx, r.peer.Path(), bundleOf(t, "3", v3), USBOptions{OnlineTimeout: time.Minute}, nil)
	if err != nil || res.State != StateRolledBack || res.Error != "version 3: main.py raised RuntimeError broken build" {
		t.Fatalf("a broken version: %+v, %v", res, err)
	}
	r.wantVersion(r.files(), v2)
}
