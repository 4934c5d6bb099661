package testpeer

import (
	"context"
	"strings"
	"testing"
	"time"
)

// bootCounter is a main.py that counts its boots in a file and restarts
// the module through misc.Power.powerRestart() until the third; it says
// whether it runs in a fresh interpreter.
const bootCounter = `import builtins, misc
try:
    f = open('/usr/boots')
    n = int(f.read())
    f.close()
except OSError:
    n = 0
n += 1
f = open('/usr/boots', 'w')
f.write(str(n))
f.close()
print('boot', n, 'stale' if hasattr(builtins, 'qpy_seen') else 'fresh')
builtins.qpy_seen = 1
if n < 3:
    misc.Power.powerRestart()
    print('after the restart')
`

// powerRestart() never returns: the module starts again as at power-up,
// over the same files, main.py first, in a fresh interpreter.
func TestPowerRestartFromMainPy(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	p, err := Start(ctx, Options{RunMainAtBoot: true, Files: map[string][]byte{"main.py": []byte(bootCounter)}})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	port := openPort(t, p)
	got := readUntil(ctx, t, port, ">>> ")
	want := "boot 1 fresh\r\nboot 2 fresh\r\nboot 3 fresh\r\nQuecPython v1.12"
	if !strings.Contains(got, want) || strings.Contains(got, "after the restart") || strings.Contains(got, "Traceback") {
		t.Fatalf("boot output %q, want it to hold %q and nothing after a restart", got, want)
	}
}

// Called from a command in the raw REPL, the restart ends the command
// without its end markers (the module is gone), and the module comes
// back in the friendly REPL after running main.py.
func TestPowerRestartFromTheRawREPL(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	p, err := Start(ctx, Options{Files: map[string][]byte{"main.py": []byte("print('main ran')\n")}})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	port := openPort(t, p)
	readUntil(ctx, t, port, ">>> ")
	if _, err := port.Write([]byte("\x01")); err != nil {
		t.Fatal(err)
	}
	readUntil(ctx, t, port, "raw REPL; CTRL-B to exit\r\n>")
	if _, err := port.Write([]byte("import misc\nmisc.Power.powerRestart()\nprint('never')\x04")); err != nil {
		t.Fatal(err)
	}
	got := readUntil(ctx, t, port, ">>> ")
	if !strings.HasPrefix(got, "OKmain ran\r\nQuecPython v1.12") || strings.Contains(got, "never") || strings.Contains(got, "\x04") {
		t.Fatalf("after the restart: %q", got)
	}
	if _, err := port.Write([]byte("print(6*7)\r")); err != nil {
		t.Fatal(err)
	}
	readUntil(ctx, t, port, "42\r\n>>> ")
}

// Firmware without misc (a scenario that lists it as missing) cannot
// import it.
func TestMiscCanBeMissing(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	p, err := Start(ctx, Options{Scenario: map[string]any{"missing": []string{"misc"}}})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	port := openPort(t, p)
	readUntil(ctx, t, port, ">>> ")
	if _, err := port.Write([]byte("import misc\r")); err != nil {
		t.Fatal(err)
	}
	readUntil(ctx, t, port, "ImportError: no module named 'misc'\r\n>>> ")
}
