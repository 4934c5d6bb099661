package cli

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

func TestRunProbeArguments(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"no port", nil, 2, "--port"},
		{"bad timeout", []string{"--port", "x", "--timeout", "soon"}, 2, "-timeout"},
		{"zero timeout", []string{"--port", "x", "--timeout", "0s"}, 2, "--timeout"},
		{"argument", []string{"--port", "x", "extra"}, 2, `"extra"`},
		{"port does not exist", []string{"--port", "/dev/qpyhub-no-such-port", "--timeout", "5s"}, 1, "/dev/qpyhub-no-such-port"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			code := runCommand(context.Background(), "probe", tc.args, &out, &errOut)
			if code != tc.code {
				t.Fatalf("exit %d, want %d (stderr %q)", code, tc.code, errOut.String())
			}
			if out.Len() != 0 || strings.Count(errOut.String(), "\n") != 1 || !strings.Contains(errOut.String(), tc.stderr) {
				t.Errorf("stdout %q stderr %q: want nothing, and one line naming %s", out.String(), errOut.String(), tc.stderr)
			}
		})
	}
}
