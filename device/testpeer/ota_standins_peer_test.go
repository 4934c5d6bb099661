package testpeer

import (
	"context"
	"strings"
	"testing"
	"time"
)

// An osTimer callback runs while the program sleeps, once for a one-shot
// timer, every period for a cyclic one, never after stop(); the program
// goes on after it.
func TestOSTimerFiresDuringSleep(t *testing.T) {
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
	code := "\x05import osTimer, utime\r" +
		"seen = []\r" +
		"once = osTimer()\r" +
		"once.start(50, 0, lambda t: seen.append('once'))\r" +
		"tick = osTimer()\r" +
		"tick.start(20, 1, lambda t: seen.append('tick'))\r" +
		"utime.sleep_ms(110)\r" +
		"tick.stop()\r" +
		"n = len(seen)\r" +
		"utime.sleep_ms(60)\r" +
		"print('SEEN', seen.count('once'), seen.count('tick') >= 4, len(seen) == n)\r" +
		"\x04"
	if _, err := port.Write([]byte(code)); err != nil {
		t.Fatal(err)
	}
	got := readUntil(ctx, t, port, "\r\n>>> ") // paste mode's own prompts are "=== "
	if !strings.Contains(got, "SEEN 1 True True") {
		t.Fatalf("timers: %q", got)
	}
}

// A scenario's power_cut_after_renames cuts the power right after that
// rename: nothing the program does after it reaches the files or the
// port, and the module boots again (main.py first) over the files as they
// were at the cut.
func TestPowerCutAfterRename(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	main := "import uos\n" +
		"print('boot', sorted(n for n in uos.listdir('/usr') if n.startswith('f')))\n"
	p, err := Start(ctx, Options{
		RunMainAtBoot: true,
		Scenario:      map[string]any{"power_cut_after_renames": 2},
		Files:         map[string][]byte{"main.py": []byte(main), "f0": []byte("0")},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	port := openPort(t, p)
	if got := readUntil(ctx, t, port, ">>> "); !strings.Contains(got, "boot ['f0']") {
		t.Fatalf("first boot: %q", got)
	}
	if _, err := port.Write([]byte("import uos\r")); err != nil {
		t.Fatal(err)
	}
	readUntil(ctx, t, port, "import uos\r\n>>> ")
	code := "uos.rename('/usr/f0', '/usr/f1'); uos.rename('/usr/f1', '/usr/f2'); print('after'); open('/usr/f3', 'w').write('x'); uos.rename('/usr/f2', '/usr/f4')\r"
	if _, err := port.Write([]byte(code)); err != nil {
		t.Fatal(err)
	}
	got := readUntil(ctx, t, port, "Type \"help()\" for more information.\r\n>>> ")
	if !strings.Contains(got, "boot ['f2']") || strings.Contains(got, "\r\nafter\r\n") {
		t.Fatalf("after the cut: %q", got)
	}
	if !strings.Contains(p.Stderr(), "power cut after rename 2") {
		t.Fatalf("peer stderr: %q", p.Stderr())
	}
	// Once only: the next boot's renames go through.
	if _, err := port.Write([]byte("uos.rename('/usr/f2', '/usr/f5'); print(uos.listdir('/usr'))\r")); err != nil {
		t.Fatal(err)
	}
	readUntil(ctx, t, port, "'f5'")
}

// uos.statvfs answers the firmware's 10-tuple; the scenario's
// usr_free_bytes sets the free blocks (f_bavail × f_bsize).
func TestStatvfsFreeSpace(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	p, err := Start(ctx, Options{Scenario: map[string]any{"usr_free_bytes": 65536}})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	port := openPort(t, p)
	readUntil(ctx, t, port, ">>> ")
	if _, err := port.Write([]byte("import uos; s = uos.statvfs('/usr'); print('FREE', len(s), s[0] * s[4])\r")); err != nil {
		t.Fatal(err)
	}
	readUntil(ctx, t, port, "FREE 10 65536\r\n")
}
