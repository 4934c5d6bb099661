package applog

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
)

// Recent returns up to n of the newest log lines at min or above, oldest
// first, each passed through Redact again: a log written before a rule
// existed must not leak through a support request. It reads the current
// file and then older ones until it has n.
func Recent(dir string, n int, min slog.Level) ([]string, error) {
	var newestFirst []string
	for i := 0; i <= keepFiles && len(newestFirst) < n; i++ {
		path := filepath.Join(dir, FileName)
		if i > 0 {
			path = fmt.Sprintf("%s.%d", path, i)
		}
		lines, err := matchingLines(path, min)
		if errors.Is(err, os.ErrNotExist) {
			break
		}
		if err != nil {
			return nil, err
		}
		for j := len(lines) - 1; j >= 0 && len(newestFirst) < n; j-- {
			newestFirst = append(newestFirst, Redact(lines[j]))
		}
	}
	out := make([]string, len(newestFirst))
	for i, l := range newestFirst {
		out[len(out)-1-i] = l
	}
	return out, nil
}

// matchingLines reads one file's records at min or above; lines that are
// not records (a torn last line) are skipped.
func matchingLines(path string, min slog.Level) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), maxSize)
	for sc.Scan() {
		var rec struct {
			Level string `json:"level"`
		}
		if json.Unmarshal(sc.Bytes(), &rec) != nil {
			continue
		}
		var l slog.Level
		if l.UnmarshalText([]byte(rec.Level)) == nil && l >= min {
			out = append(out, strings.TrimSpace(sc.Text()))
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("reading %s: %w", filepath.Base(path), err)
	}
	return out, nil
}
