package testpeer

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"go.bug.st/serial"
)

// readUntil reads the port until want shows up or the context ends.
func readUntil(ctx context.Context, t *testing.T, port serial.Port, want string) string {
	t.Helper()
	var got []byte
	buf := make([]byte, 1024)
	for !bytes.Contains(got, []byte(want)) {
		if ctx.Err() != nil {
			t.Fatalf("waiting for %q: %v; got %q", want, ctx.Err(), got)
		}
		n, err := port.Read(buf)
		if err != nil {
			t.Fatalf("waiting for %q: %v; got %q", want, err, got)
		}
		got = append(got, buf[:n]...)
	}
	return string(got)
}

func openPort(t *testing.T, p *Peer) serial.Port {
	t.Helper()
	port, err := serial.Open(p.Path(), &serial.Mode{BaudRate: 115200})
	if err != nil {
		t.Fatalf("open %s: %v", p.Path(), err)
	}
	if err := port.SetReadTimeout(100 * time.Millisecond); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { port.Close() })
	return port
}

func TestPeerSpeaksTheREPL(t *testing.T) {
	tests := []struct {
		name  string
		opts  Options
		steps []struct{ send, want string }
	}{
		{
			name: "banner names the model and friendly REPL echoes",
			opts: Options{Model: "EC200U"},
			steps: []struct{ send, want string }{
				{"", "EC200U with QUECTEL\r\nType \"help()\" for more information.\r\n>>> "},
				{"print(6*7)\r", "print(6*7)\r\n42\r\n>>> "},
			},
		},
		{
			name: "raw REPL separates output and exception",
			opts: Options{},
			steps: []struct{ send, want string }{
				{"", ">>> "},
				{"\x01", "raw REPL; CTRL-B to exit\r\n>"},
				{"print('a')\nopen('/usr/none')\x04", "OKa\r\n\x04Traceback (most recent call last):\r\n  File \"<stdin>\", line 2, in <module>\r\nOSError: [Errno 2] ENOENT\r\n\x04>"},
			},
		},
		{
			// pyexec.c lets through "any other raw 8-bit value", and the
			// lexer keeps a bytes literal 8-bit clean: bytes that are not
			// UTF-8 reach the program as they were sent.
			name: "raw REPL code is 8-bit clean",
			opts: Options{RawPaste: RawPasteUnsupported},
			steps: []struct{ send, want string }{
				{"", ">>> "},
				{"\x01", "raw REPL; CTRL-B to exit\r\n>"},
				{"d = b'\xff\x80\xe6\x00A'\nprint(list(d))\x04", "OK[255, 128, 230, 0, 65]\r\n\x04\x04>"},
				{"open('/usr/none\xff')\x04", "OK\x04Traceback (most recent call last):\r\n  File \"<stdin>\", line 1, in <module>\r\n"},
			},
		},
		{
			name: "a UART link carries every byte both ways",
			opts: Options{Baud: 115200},
			steps: []struct{ send, want string }{
				{"", ">>> "},
				{"\x01", "raw REPL; CTRL-B to exit\r\n>"},
				{"print(sum(range(" + strings.Repeat(" ", 2000) + "1000)))\x04", "OK499500\r\n\x04\x04>"},
			},
		},
		{
			name: "stand-ins read the scenario",
			opts: Options{Scenario: map[string]any{"sim_status": 0}},
			steps: []struct{ send, want string }{
				{"", ">>> "},
				{"import sim\r", ">>> "},
				{"sim.getStatus()\r", "\r\n0\r\n>>> "},
			},
		},
		{
			name: "seeded main.py runs at boot",
			opts: Options{RunMainAtBoot: true, Files: map[string][]byte{"main.py": []byte("print('hello from main')\n")}},
			steps: []struct{ send, want string }{
				{"", "hello from main\r\nQuecPython v1.12"},
			},
		},
		{
			name: "Ctrl-C during main.py at boot reboots without it",
			opts: Options{RunMainAtBoot: true, Files: map[string][]byte{"main.py": []byte("import utime\nwhile True:\n    print('tick')\n    utime.sleep_ms(20)\n")}},
			steps: []struct{ send, want string }{
				{"", "tick\r\ntick\r\n"},
				{"\x03", "KeyboardInterrupt: \r\nMPY: soft reboot\r\nQuecPython v1.12 on 2021-01-01; EC600N with QUECTEL\r\nType \"help()\" for more information.\r\n>>> "},
			},
		},
		{
			name: "Ctrl-C stops a chatty loop and soft reboot runs main.py",
			opts: Options{Files: map[string][]byte{"main.py": []byte("print('booted')\n")}},
			steps: []struct{ send, want string }{
				{"", ">>> "},
				{"import utime\r", ">>> "},
				{"while True:\r", "... "},
				{" print('chat'); utime.sleep_ms(20)\r", "... "},
				{"\r", "chat\r\nchat\r\n"},
				{"\x03", "KeyboardInterrupt: \r\n>>> "},
				{"\x04", "MPY: soft reboot\r\nbooted\r\nQuecPython v1.12"},
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			p, err := Start(ctx, tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			defer p.Close()
			port := openPort(t, p)
			for _, s := range tc.steps {
				if s.send != "" {
					if _, err := port.Write([]byte(s.send)); err != nil {
						t.Fatal(err)
					}
				}
				readUntil(ctx, t, port, s.want)
			}
			if sent := p.Received(); len(tc.steps) > 1 && len(sent) == 0 {
				t.Errorf("Received() is empty after writing to the port")
			}
		})
	}
}

func TestKillClosesThePort(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	p, err := Start(ctx, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	port := openPort(t, p)
	readUntil(ctx, t, port, ">>> ")
	p.Kill()
	buf := make([]byte, 64)
	for ctx.Err() == nil {
		if _, err := port.Read(buf); err != nil {
			return // the unplug shows as a read error
		}
	}
	t.Fatal("reading the port after Kill never failed")
}

func TestStartFailsClearlyWithoutNodeModules(t *testing.T) {
	t.Setenv(NodeDirEnv, t.TempDir())
	_, err := Start(context.Background(), Options{})
	if !errors.Is(err, ErrNotInstalled) {
		t.Fatalf("Start without node_modules: %v, want ErrNotInstalled", err)
	}
}

func TestUnplugAtAMarker(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	p, err := Start(ctx, Options{Unplug: &Unplug{After: "MARK", ThenBytes: 3}})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	port := openPort(t, p)
	readUntil(ctx, t, port, ">>> ")
	// Before the marker the module answers as usual.
	if _, err := port.Write([]byte("print(6*7)\r")); err != nil {
		t.Fatal(err)
	}
	readUntil(ctx, t, port, "42")
	if _, err := port.Write([]byte("x = 'MARKabcdefgh'\r")); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 64)
	for ctx.Err() == nil {
		if _, err := port.Read(buf); err != nil {
			got := p.Received()
			if !bytes.HasSuffix(got, []byte("MARKabcdefgh'\r")) {
				t.Fatalf("received log %q", got)
			}
			return // unplugged by itself
		}
	}
	t.Fatal("the peer never unplugged after the marker")
}
