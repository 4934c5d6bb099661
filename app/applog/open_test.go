package applog

import (
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The Settings screen's log level takes effect on the open log.
func TestLevelChangesWhileTheLogIsOpen(t *testing.T) {
	dir := t.TempDir()
	level := new(slog.LevelVar)
	level.Set(slog.LevelError)
	log, c, err := Open(dir, level)
	if err != nil {
		t.Fatal(err)
	}
	log.Info("before the change")
	level.Set(ParseLevel("debug"))
	log.Debug("after the change")
	c.Close()
	data, err := os.ReadFile(filepath.Join(dir, FileName))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(data), "before the change") {
		t.Error("an info line was kept at level error")
	}
	if !strings.Contains(string(data), "after the change") {
		t.Errorf("the debug line is missing after switching to debug: %s", data)
	}
}
