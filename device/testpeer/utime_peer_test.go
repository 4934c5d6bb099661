package testpeer

import (
	"context"
	"testing"
	"time"
)

// The firmware's utime.time() (modutime.c) answers whole seconds; the
// interpreter's own answers a float, which code written for the module
// would then carry into JSON ("uptime": 0.0).
func TestTimeIsWholeSeconds(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	p, err := Start(ctx, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	port := openPort(t, p)
	readUntil(ctx, t, port, ">>> ")
	if _, err := port.Write([]byte("import utime, time; print(type(utime.time()).__name__, type(time.time()).__name__, utime.time() > 1700000000)\r")); err != nil {
		t.Fatal(err)
	}
	readUntil(ctx, t, port, "\r\nint int True\r\n>>> ")
}
