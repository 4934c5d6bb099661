package applog

import (
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRecentTakesTheNewestWarningsAcrossFiles(t *testing.T) {
	dir := t.TempDir()
	log, c, err := open(dir, slog.LevelDebug, 300, 3)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 12 {
		log.Info("routine", "n", i)
		log.Error("failure", "n", i)
	}
	c.Close()
	if entries, _ := os.ReadDir(dir); len(entries) < 2 {
		t.Fatalf("no rotation happened (%d files); the test needs older files", len(entries))
	}
	got, err := Recent(dir, 3, slog.LevelWarn)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 {
		t.Fatalf("Recent = %q, want 3 lines", got)
	}
	for i, want := range []string{`"n":9`, `"n":10`, `"n":11`} {
		if !strings.Contains(got[i], `"msg":"failure"`) || !strings.Contains(got[i], want) {
			t.Errorf("line %d = %s, want failure %s", i, got[i], want)
		}
	}
}

func TestRecentRedactsWhatTheFileHolds(t *testing.T) {
	dir := t.TempDir()
	// A log written without the redactor (an older version, a hand edit).
	raw := `{"level":"ERROR","msg":"connect failed: SharedAccessKey=` + key32 + `"}` + "\n" +
		"not a record\n" +
		`{"level":"INFO","msg":"fine"}` + "\n"
	if err := os.WriteFile(filepath.Join(dir, FileName), []byte(raw), 0o600); err != nil {
		t.Fatal(err)
	}
	got, err := Recent(dir, 20, slog.LevelWarn)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || strings.Contains(got[0], key32) || !strings.Contains(got[0], "connect failed") {
		t.Errorf("Recent = %q", got)
	}
}

func TestRecentOfNoLogIsEmpty(t *testing.T) {
	got, err := Recent(t.TempDir(), 20, slog.LevelWarn)
	if err != nil || len(got) != 0 {
		t.Errorf("Recent = %q, %v", got, err)
	}
}
