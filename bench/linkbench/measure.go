package main

import (
	"context"
	"fmt"
	"os"
	"slices"
	"time"

	"qpyhub/device/testpeer"
)

// result is one row measured on one link.
type result struct {
	row, link       string
	baud            int
	payload         int64
	qpyhub, mp      time.Duration // medians; mp is 0 without mpremote
	qpyhubN, mpRuns int
}

// measure runs a row on a fresh peer: one untimed run of each tool to
// warm up, then runs alternating which tool goes first.
func (b *bench) measure(ctx context.Context, l link, r row) (result, error) {
	peer, err := testpeer.Start(ctx, testpeer.Options{RawPaste: r.firmware, Baud: l.baud})
	if err != nil {
		return result{}, err
	}
	defer peer.Close()
	e := &rowEnv{b: b, peer: peer, port: peer.Path(), dir: b.scratch("row")}
	defer os.RemoveAll(e.dir)
	if err := b.warmUp(ctx, e); err != nil {
		return result{}, fmt.Errorf("warming up: %w", err)
	}
	if r.prepare != nil {
		if err := r.prepare(ctx, e); err != nil {
			return result{}, fmt.Errorf("preparing: %w", err)
		}
	}
	runs := b.runs
	if r.runs > 0 {
		runs = r.runs
	}
	var qs, ms []time.Duration
	for i := range runs {
		order := []string{"qpyhub", "mpremote"}
		if i%2 == 1 {
			order = []string{"mpremote", "qpyhub"}
		}
		for _, tool := range order {
			if tool == "mpremote" && !b.mp.present() {
				continue
			}
			if r.before != nil {
				if err := r.before(ctx, e, i); err != nil {
					return result{}, fmt.Errorf("before run %d: %w", i, err)
				}
			}
			run := r.qpyhub
			if tool == "mpremote" {
				run = r.mpremote
			}
			took, err := run(ctx, e, i)
			if err != nil {
				return result{}, err
			}
			if tool == "mpremote" {
				ms = append(ms, took)
			} else {
				qs = append(qs, took)
			}
		}
	}
	return result{row: r.name, link: l.name, baud: l.baud, payload: r.payload,
		qpyhub: median(qs), mp: median(ms), qpyhubN: len(qs), mpRuns: len(ms)}, nil
}

// warmUp runs each tool once on the new peer, untimed: the first run of
// a program on a machine, and the first conversation with a peer that
// has just booted, are not what is measured.
func (b *bench) warmUp(ctx context.Context, e *rowEnv) error {
	if _, err := timed(ctx, nil, b.qpyhub, "fs", "ls", "--port", e.port, "/usr"); err != nil {
		return err
	}
	if b.mp.present() {
		if _, err := b.mp.run(ctx, e.port, "exec", "print(1)"); err != nil {
			return err
		}
	}
	return nil
}

func median(d []time.Duration) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := slices.Clone(d)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// line is the result as one line of progress.
func (r result) line() string {
	s := fmt.Sprintf("%-40s %-12s qpyhub %8s (%d runs)", r.row, r.link, round(r.qpyhub), r.qpyhubN)
	if r.mpRuns > 0 {
		s += fmt.Sprintf("  mpremote %8s (%d runs)  qpyhub/mpremote %.2f", round(r.mp), r.mpRuns, ratio(r.qpyhub, r.mp))
	}
	return s
}

func ratio(a, b time.Duration) float64 { return float64(a) / float64(b) }

func round(d time.Duration) time.Duration {
	if d > 10*time.Second {
		return d.Round(100 * time.Millisecond)
	}
	return d.Round(time.Millisecond)
}
