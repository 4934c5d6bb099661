// Command linkbench measures qpyhub on the module link beside mpremote,
// MicroPython's own tool, on the same MicroPython test peer: the module
// check, uploads, a re-upload of an unchanged file and a folder sync, at
// full speed and over a link slowed to a UART's 115200 baud. Each tool
// runs as its own process, as a person would run it; runs alternate and
// the medians are compared. bench/link builds and runs it.
//
// MPREMOTE_DIR names a checkout of MicroPython's tools/mpremote (the
// folder holding the mpremote package); without it only qpyhub is
// measured. MPREMOTE_PYTHON is the Python that runs it (default
// /usr/bin/python3, which has Debian's python3-serial and
// python3-platformdirs), MPREMOTE_COMMIT the commit it came from, for the
// table.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == syncAgentArg {
		os.Exit(runSyncAgent(os.Args[2:]))
	}
	qpyhub := flag.String("qpyhub", "", "the qpyhub binary (built with -tags cli)")
	runs := flag.Int("runs", 3, "runs of each tool per row; the median counts")
	only := flag.String("only", "", `run only the rows whose "name, link" contains this, e.g. "upload 1 MiB, 115200"`)
	slow := flag.Bool("slow", true, "also measure over the 115200 baud link")
	flag.Parse()
	if *qpyhub == "" {
		fmt.Fprintln(os.Stderr, "linkbench: -qpyhub is missing: run bash bench/link")
		os.Exit(2)
	}
	self, err := os.Executable()
	if err != nil {
		fmt.Fprintln(os.Stderr, "linkbench:", err)
		os.Exit(1)
	}
	mp := findMpremote()
	fmt.Println(mp.describe())
	work, err := os.MkdirTemp("", "linkbench-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "linkbench:", err)
		os.Exit(1)
	}
	defer os.RemoveAll(work)
	b := &bench{qpyhub: *qpyhub, self: self, mp: mp, runs: *runs, work: work}
	ctx := context.Background()
	var results []result
	for _, link := range links(*slow) {
		for _, r := range rows(link) {
			if *only != "" && !strings.Contains(r.name+", "+link.name, *only) {
				continue
			}
			res, err := b.measure(ctx, link, r)
			if err != nil {
				fmt.Fprintf(os.Stderr, "linkbench: %s, %s: %v\n", r.name, link.name, err)
				os.Exit(1)
			}
			fmt.Println(res.line())
			results = append(results, res)
		}
	}
	fmt.Println()
	printTable(os.Stdout, results, mp)
}

// link is one way the peer is reached.
type link struct {
	name string
	baud int // 0: full speed
}

func links(slow bool) []link {
	out := []link{{name: "full speed"}}
	if slow {
		out = append(out, link{name: "115200 baud", baud: 115200})
	}
	return out
}

// bench holds what every measurement needs.
type bench struct {
	qpyhub string
	self   string // this binary, for the sync agent
	mp     mpremote
	runs   int
	work   string
}

// scratch is a fresh folder under the bench's work folder.
func (b *bench) scratch(name string) string {
	dir := filepath.Join(b.work, fmt.Sprintf("%s-%d", name, time.Now().UnixNano()))
	os.MkdirAll(dir, 0o755)
	return dir
}
