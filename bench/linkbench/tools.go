package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// runTimeout bounds one run of a tool: the slowest, mpremote sending
// 1 MiB over 115200 baud, takes a few minutes.
const runTimeout = 15 * time.Minute

// timed runs a command and answers how long it took; a failure says what
// the command printed.
func timed(ctx context.Context, env []string, name string, args ...string) (time.Duration, error) {
	ctx, cancel := context.WithTimeout(ctx, runTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = append(os.Environ(), env...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	err := cmd.Run()
	took := time.Since(start)
	if err != nil {
		return took, fmt.Errorf("%s %s: %v: %s", filepath.Base(name), strings.Join(args, " "), err, tail(out.String(), 400))
	}
	return took, nil
}

func tail(s string, n int) string {
	if len(s) > n {
		return "…" + s[len(s)-n:]
	}
	return s
}

// mpremote is MicroPython's tool, when there is a checkout of it.
type mpremote struct {
	dir    string // holds the mpremote package; "" when there is none
	python string
	commit string
}

func findMpremote() mpremote {
	m := mpremote{dir: os.Getenv("MPREMOTE_DIR"), python: os.Getenv("MPREMOTE_PYTHON"), commit: os.Getenv("MPREMOTE_COMMIT")}
	if m.dir == "" {
		return m
	}
	if _, err := os.Stat(filepath.Join(m.dir, "mpremote", "main.py")); err != nil {
		fmt.Fprintf(os.Stderr, "linkbench: MPREMOTE_DIR %s holds no mpremote package (mpremote/main.py): measuring qpyhub alone\n", m.dir)
		m.dir = ""
		return m
	}
	if m.python == "" {
		m.python = "python3"
		if _, err := os.Stat("/usr/bin/python3"); err == nil {
			m.python = "/usr/bin/python3"
		}
	}
	if m.commit == "" {
		if out, err := exec.Command("git", "-C", m.dir, "rev-parse", "HEAD").Output(); err == nil {
			m.commit = strings.TrimSpace(string(out))
		}
	}
	return m
}

func (m mpremote) present() bool { return m.dir != "" }

func (m mpremote) describe() string {
	if !m.present() {
		return "mpremote: MPREMOTE_DIR is not set: qpyhub is measured alone, nothing is compared"
	}
	commit := m.commit
	if commit == "" {
		commit = "unknown (set MPREMOTE_COMMIT)"
	}
	return fmt.Sprintf("mpremote: %s (commit %s), run by %s", m.dir, commit, m.python)
}

// run times one mpremote command on port, without a soft reset first.
func (m mpremote) run(ctx context.Context, port string, args ...string) (time.Duration, error) {
	all := append([]string{"-m", "mpremote", "connect", port, "resume"}, args...)
	return timed(ctx, []string{"PYTHONPATH=" + m.dir}, m.python, all...)
}
