//go:build linux

package e2e

import (
	"os/exec"
	"syscall"
	"testing"
)

// BenchmarkStartup runs `qpyhub --version` from each build: what a command
// pays before it does anything (loading, linking, Fyne's start-up in the
// full build). It reports the peak memory of the process too.
func BenchmarkStartup(b *testing.B) {
	for _, build := range []*qpyhubBuild{fullBuild, cliBuild} {
		b.Run(build.name, func(b *testing.B) {
			bin := build.binary(b)
			var maxRSS int64
			b.ResetTimer()
			for range b.N {
				cmd := exec.Command(bin, "--version")
				cmd.Env = []string{"HOME=" + b.TempDir(), "LANG=C.UTF-8"}
				if out, err := cmd.CombinedOutput(); err != nil {
					b.Fatalf("%s --version: %v\n%s", build.name, err, out)
				}
				if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
					maxRSS = max(maxRSS, ru.Maxrss)
				}
			}
			b.ReportMetric(float64(maxRSS)/1024, "peak-MiB")
		})
	}
}
