package applog

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRotationKeepsTheNewestFiles(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, FileName)
	r, err := openRotating(path, 100, 2)
	if err != nil {
		t.Fatal(err)
	}
	// 10 records of 40 bytes: two fit a file, so five files are written
	// and only the current one and two older ones remain.
	for i := range 10 {
		if _, err := fmt.Fprintf(r, "record %02d %s\n", i, strings.Repeat("x", 29)); err != nil {
			t.Fatal(err)
		}
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{FileName: "08 09", FileName + ".1": "06 07", FileName + ".2": "04 05"}
	entries, _ := os.ReadDir(dir)
	if len(entries) != len(want) {
		t.Fatalf("files %v, want %d", entries, len(want))
	}
	for name, records := range want {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
			got = append(got, strings.Fields(line)[1])
		}
		if strings.Join(got, " ") != records {
			t.Errorf("%s holds records %v, want %s", name, got, records)
		}
	}
}

func TestRotationAppendsToAnExistingLog(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, FileName)
	if err := os.WriteFile(path, []byte("earlier run\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	r, err := openRotating(path, 1000, 2)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintln(r, "this run")
	r.Close()
	if b, _ := os.ReadFile(path); string(b) != "earlier run\nthis run\n" {
		t.Errorf("log = %q", b)
	}
	if _, err := fmt.Fprintln(r, "after close"); !errors.Is(err, os.ErrClosed) {
		t.Errorf("write after Close: %v, want os.ErrClosed", err)
	}
}

func TestOpenWritesPrivateJSONLines(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "logs")
	log, c, err := Open(dir, slog.LevelInfo)
	if err != nil {
		t.Fatal(err)
	}
	log.Debug("below the level")
	log.Info("started", "version", "1.0")
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, FileName)
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if s := string(b); !strings.Contains(s, `"msg":"started","version":"1.0"`) || strings.Contains(s, "below the level") {
		t.Errorf("log = %s", s)
	}
	if info, _ := os.Stat(path); info.Mode().Perm()&0o077 != 0 {
		t.Errorf("log mode %v: it names devices and hubs and must be private", info.Mode())
	}
}

func TestOpenWithoutAFolderStillGivesALogger(t *testing.T) {
	log, c, err := Open("", slog.LevelInfo)
	if err == nil {
		t.Fatal("Open(\"\") succeeded")
	}
	log.Info("goes nowhere")
	if c.Close() != nil {
		t.Error("the fallback closer failed")
	}
}
