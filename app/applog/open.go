// Package applog is qpyhub's application log: JSON lines in a small set
// of rotated files under the user's config folder, behind a handler that
// masks secrets (keys, SAS tokens, signatures, passwords, private keys)
// whatever the caller passes. It must not import Fyne, so that the
// commands and tests can use it without a display.
package applog

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
)

// Where the log lives and how much of it is kept: five files of 1 MB,
// enough for weeks of a technician's work and small enough to attach to
// a support request.
const (
	FileName  = "qpyhub.log"
	maxSize   = 1 << 20
	keepFiles = 4 // besides the current file
)

// Dir is the log folder: <UserConfigDir>/qpyhub/logs.
func Dir() (string, error) {
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("log folder: %w", err)
	}
	return filepath.Join(dir, "qpyhub", "logs"), nil
}

// Open starts the log in dir at level; a *slog.LevelVar lets the Settings
// screen change it while the log is open. On failure it still returns a
// logger that discards and a closer that does nothing, so the window
// opens without a log rather than not at all.
func Open(dir string, level slog.Leveler) (*slog.Logger, io.Closer, error) {
	return open(dir, level, maxSize, keepFiles)
}

func open(dir string, level slog.Leveler, max int64, keep int) (*slog.Logger, io.Closer, error) {
	discard := slog.New(slog.DiscardHandler)
	if dir == "" {
		return discard, nopCloser{}, errors.New("log folder: not known")
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return discard, nopCloser{}, fmt.Errorf("log folder: %w", err)
	}
	f, err := openRotating(filepath.Join(dir, FileName), max, keep)
	if err != nil {
		return discard, nopCloser{}, err
	}
	h := slog.NewJSONHandler(f, &slog.HandlerOptions{Level: level})
	return slog.New(NewRedactingHandler(h)), f, nil
}

type nopCloser struct{}

func (nopCloser) Close() error { return nil }

// ParseLevel reads a level as the Settings screen stores it ("debug",
// "info", "warning", "error"); case does not matter and anything unknown
// is info.
func ParseLevel(s string) slog.Level {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "warning" {
		s = "warn"
	}
	var l slog.Level
	if err := l.UnmarshalText([]byte(s)); err != nil {
		return slog.LevelInfo
	}
	return l
}
