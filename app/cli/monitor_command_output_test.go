package cli

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"qpyhub/cloud/hubsim"
)

// failingOutput takes writes until the first cloud-to-device line, then
// fails every write, as a full disk or a closed pipe does.
type failingOutput struct {
	mu     sync.Mutex
	failed bool
}

func (f *failingOutput) Write(p []byte) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.failed || bytes.Contains(p, []byte(`"type":"c2d"`)) {
		f.failed = true
		return 0, errors.New("no space left on device")
	}
	return len(p), nil
}

// monitor stops when it cannot write its output, so the messages it could
// not print stay with the hub instead of being acknowledged and lost.
func TestMonitorStopsWhenItCannotWrite(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	dh := startDeviceHub(t, "out-dev")
	for _, mid := range []string{"m1", "m2", "m3"} {
		if err := dh.hub.SendC2D("out-dev", hubsim.C2DMessage{Payload: []byte(mid), MessageID: mid}); err != nil {
			t.Fatal(err)
		}
	}
	var stderr bytes.Buffer
	args := []string{"--json", "--ca", dh.caFile, "--server", dh.hub.MQTTAddr(), "--connection-string", dh.connStr}
	exit := make(chan int, 1)
	go func() { exit <- runCommand(ctx, "monitor", args, &failingOutput{}, &stderr) }()
	select {
	case code := <-exit:
		if code != 1 {
			t.Errorf("exit = %d, want 1", code)
		}
	case <-ctx.Done():
		t.Fatal("monitor kept going with its output failing")
	}
	lines := strings.Split(strings.TrimSpace(stderr.String()), "\n")
	if len(lines) != 1 || !strings.Contains(lines[0], "no space left on device") {
		t.Errorf("stderr = %q, want one line with the write error", stderr.String())
	}
	if err := dh.hub.WaitConnected(ctx, "out-dev", false); err != nil {
		t.Fatal(err)
	}
	if n := dh.hub.QueuedC2D("out-dev"); n < 2 {
		t.Errorf("the hub holds %d messages, want the 2 monitor never printed", n)
	}
}
