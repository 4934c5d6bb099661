//go:build linux

package e2e

import (
	"context"
	"testing"
	"time"

	"qpyhub/app/cli"
)

// Both binaries answer help and bad arguments the frame's way, for every
// command and action of the command table (the cases app/cli runs
// in-process, here through a real process: its streams, its exit status).
func TestBinaryArgumentCases(t *testing.T) {
	forEachBinary(t, func(t *testing.T, bin string) {
		for _, tc := range cli.ArgumentCases() {
			t.Run(tc.Name, func(t *testing.T) {
				t.Parallel()
				ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
				defer cancel()
				stdout, stderr, code := runBinary(t, ctx, bin, tc.Args...)
				if err := tc.Check(code, stdout, stderr); err != nil {
					t.Fatal(err)
				}
			})
		}
	})
}
