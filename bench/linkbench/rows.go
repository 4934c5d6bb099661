package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"qpyhub/device/testpeer"
)

// row is one comparison: what each tool runs, and what is set up around
// the runs without being timed.
type row struct {
	name     string
	firmware string // testpeer.RawPasteUnsupported: v1.12-era, no raw-paste
	payload  int64  // bytes of file data moved, for the rate; 0 for none
	runs     int    // 0: the bench's runs
	prepare  func(ctx context.Context, e *rowEnv) error
	before   func(ctx context.Context, e *rowEnv, run int) error // before each run of each tool
	qpyhub   func(ctx context.Context, e *rowEnv, run int) (time.Duration, error)
	mpremote func(ctx context.Context, e *rowEnv, run int) (time.Duration, error)
}

// rowEnv is a row's peer and folder.
type rowEnv struct {
	b    *bench
	peer *testpeer.Peer
	port string
	dir  string
}

// mpremoteCheck is the one mpremote call the module check is held
// against: the smallest useful question to a QuecPython module.
const mpremoteCheck = "import sim; print(sim.getStatus())"

// rows are the comparisons on one link. Uploads carry random data, the
// project is Python text.
func rows(l link) []row {
	old := testpeer.RawPasteUnsupported
	out := []row{
		checkRow("check", false),
		checkRow("check, first after a reset", true),
		uploadRow("upload 100 KiB", old, 100<<10),
		uploadRow("upload 1 MiB", old, 1<<20),
		uploadRow("upload 100 KiB, raw-paste firmware", testpeer.RawPasteOn, 100<<10),
	}
	if l.baud == 0 {
		out = append(out, uploadRow("upload 1 MiB, raw-paste firmware", testpeer.RawPasteOn, 1<<20))
	} else {
		out[3].runs = 1 // mpremote takes minutes for each
	}
	return append(out, reuploadRow(), syncRow("sync a 30-file project", false), syncRow("sync it again, unchanged", true))
}

func checkRow(name string, afterReset bool) row {
	r := row{
		name:     name,
		firmware: testpeer.RawPasteUnsupported,
		qpyhub: func(ctx context.Context, e *rowEnv, _ int) (time.Duration, error) {
			return timed(ctx, nil, e.b.qpyhub, "probe", "--port", e.port)
		},
		mpremote: func(ctx context.Context, e *rowEnv, _ int) (time.Duration, error) {
			return e.b.mp.run(ctx, e.port, "exec", mpremoteCheck)
		},
	}
	if afterReset {
		r.before = func(ctx context.Context, e *rowEnv, _ int) error { return softReset(ctx, e.port) }
	}
	return r
}

func uploadRow(name, firmware string, size int) row {
	file := func(e *rowEnv, run int, tool string) string {
		return filepath.Join(e.dir, fmt.Sprintf("up-%s-%d.bin", tool, run))
	}
	return row{
		name:     name,
		firmware: firmware,
		payload:  int64(size),
		before: func(ctx context.Context, e *rowEnv, run int) error {
			// New content every run: neither tool may find it on the module.
			for i, tool := range []string{"qpyhub", "mpremote"} {
				if err := os.WriteFile(file(e, run, tool), randomData(size, uint64(run*2+i)), 0o644); err != nil {
					return err
				}
			}
			return nil
		},
		qpyhub: func(ctx context.Context, e *rowEnv, run int) (time.Duration, error) {
			return timed(ctx, nil, e.b.qpyhub, "fs", "put", "--port", e.port, file(e, run, "qpyhub"), "/usr/up.bin")
		},
		mpremote: func(ctx context.Context, e *rowEnv, run int) (time.Duration, error) {
			return e.b.mp.run(ctx, e.port, "cp", file(e, run, "mpremote"), ":/usr/up.bin")
		},
	}
}

func reuploadRow() row {
	file := func(e *rowEnv) string { return filepath.Join(e.dir, "same.bin") }
	return row{
		name:     "upload 1 MiB again, unchanged",
		firmware: testpeer.RawPasteUnsupported,
		prepare: func(ctx context.Context, e *rowEnv) error {
			if err := os.WriteFile(file(e), randomData(1<<20, 99), 0o644); err != nil {
				return err
			}
			return putFile(ctx, e.port, file(e), "/usr/same.bin")
		},
		qpyhub: func(ctx context.Context, e *rowEnv, _ int) (time.Duration, error) {
			return timed(ctx, nil, e.b.qpyhub, "fs", "put", "--port", e.port, file(e), "/usr/same.bin")
		},
		mpremote: func(ctx context.Context, e *rowEnv, _ int) (time.Duration, error) {
			return e.b.mp.run(ctx, e.port, "cp", file(e), ":/usr/same.bin")
		},
	}
}

// syncRow copies a project folder named proj to /usr/proj: qpyhub's sync
// (the engine "fs sync" calls, in a process of its own) against
// mpremote's recursive copy, which skips files whose SHA-256 matches.
func syncRow(name string, again bool) row {
	project := func(e *rowEnv) string { return filepath.Join(e.dir, "proj") }
	r := row{
		name:     name,
		firmware: testpeer.RawPasteUnsupported,
		prepare: func(ctx context.Context, e *rowEnv) error {
			if err := writeProject(project(e)); err != nil {
				return err
			}
			if again {
				return syncOnce(ctx, e.port, project(e), "/usr/proj")
			}
			return nil
		},
		qpyhub: func(ctx context.Context, e *rowEnv, _ int) (time.Duration, error) {
			return timed(ctx, nil, e.b.self, syncAgentArg, "--port", e.port, "--dir", project(e), "--remote", "/usr/proj")
		},
		mpremote: func(ctx context.Context, e *rowEnv, _ int) (time.Duration, error) {
			return e.b.mp.run(ctx, e.port, "cp", "-r", project(e), ":/usr")
		},
	}
	if !again {
		r.before = func(ctx context.Context, e *rowEnv, _ int) error { return removeTree(ctx, e.port, "/usr/proj") }
	}
	return r
}
