package main

import (
	"fmt"
	"io"
	"time"
)

// printTable prints the results as the Markdown table README's Speed
// section carries.
func printTable(w io.Writer, results []result, mp mpremote) {
	fmt.Fprintln(w, "| what | link | qpyhub | mpremote | qpyhub time ÷ mpremote time |")
	fmt.Fprintln(w, "|---|---|---|---|---|")
	for _, r := range results {
		q := cell(r.qpyhub, r.payload, r.baud)
		m, ratioText := "–", "–"
		if r.mpRuns > 0 {
			m = cell(r.mp, r.payload, r.baud)
			ratioText = fmt.Sprintf("%.2f×", ratio(r.qpyhub, r.mp))
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s |\n", r.row, r.link, q, m, ratioText)
	}
	if !mp.present() {
		fmt.Fprintln(w, "\nmpremote was not measured (MPREMOTE_DIR not set).")
	}
}

// cell is a median time, with the payload rate for a transfer and, on a
// slowed link, the share of the link's rate the payload used.
func cell(d time.Duration, payload int64, baud int) string {
	s := round(d).String()
	if payload == 0 || d == 0 {
		return s
	}
	rate := float64(payload) / d.Seconds()
	s += fmt.Sprintf(" (%.1f KB/s", rate/1000)
	if baud > 0 {
		s += fmt.Sprintf(", %.0f %% of the link", 100*rate/(float64(baud)/10))
	}
	return s + ")"
}
