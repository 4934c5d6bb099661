//go:build linux

package cli

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"qpyhub/app/ota"
	"qpyhub/device/testpeer"
)

// ota apply refuses bad arguments with one line and exit 2.
func TestOTAApplyArguments(t *testing.T) {
	file := packApp(t, "1.0")
	for _, tc := range []struct {
		args    []string
		mention string
	}{
		{[]string{"apply", file}, "--port"},
		{[]string{"apply", file, "--port", "/dev/null", "--online-timeout", "0s"}, "--online-timeout"},
		{[]string{"apply", "--port", "/dev/null"}, "FILE"},
	} {
		code, stdout, stderr := runLocal(t, tc.args...)
		otaOneLine(t, code, 2, stdout, stderr, tc.mention)
	}
}

// A module without the library cannot take an update: ota apply says
// what to do and exits 1, with the outcome as JSON on stdout.
func TestOTAApplyNeedsTheLibrary(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	peer, err := testpeer.Start(ctx, testpeer.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer peer.Close()
	file := packApp(t, "1.0")
	code, stdout, stderr := runLocal(t, "apply", file, "--port", peer.Path(), "--json")
	otaOneLine(t, code, 1, stdout, stderr, "qpyhub setup")
	var res ota.USBResult
	if err := json.Unmarshal([]byte(stdout), &res); err != nil || res.State != ota.StateFailed || !strings.Contains(res.Error, "/usr/qpyhub.py") {
		t.Fatalf("stdout %q (%v), want a failed result naming the library", stdout, err)
	}
}
