package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"qpyhub/cloud/hubclient"
	"qpyhub/cloud/hubsim"
)

// deviceHub is a local hub with one device, its connection string and a
// file holding the hub's CA.
type deviceHub struct {
	hub     *hubsim.Server
	connStr string
	caFile  string
}

func startDeviceHub(t *testing.T, deviceID string) deviceHub {
	t.Helper()
	hub, err := hubsim.New(hubsim.Config{HostName: "localhost", MQTTAddr: "127.0.0.1:0", WSAddr: "127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	if err := hub.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = hub.Close() })
	if _, err := hub.AddDevice(deviceID); err != nil {
		t.Fatal(err)
	}
	cs, err := hub.DeviceConnectionString(deviceID)
	if err != nil {
		t.Fatal(err)
	}
	caFile := filepath.Join(t.TempDir(), "hub-ca.pem")
	if err := os.WriteFile(caFile, hub.CAPEM(), 0o600); err != nil {
		t.Fatal(err)
	}
	return deviceHub{hub: hub, connStr: cs, caFile: caFile}
}

// jsonLines reads JSON objects, one per line, from r into a channel.
func jsonLines(t *testing.T, r io.Reader) <-chan map[string]any {
	out := make(chan map[string]any, 64)
	go func() {
		defer close(out)
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			var m map[string]any
			if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
				t.Errorf("monitor printed a line that is not JSON: %q", sc.Text())
				continue
			}
			out <- m
		}
	}()
	return out
}

// waitLine returns the first line for which match is true.
func waitLine(ctx context.Context, t *testing.T, lines <-chan map[string]any, what string, match func(map[string]any) bool) map[string]any {
	t.Helper()
	for {
		select {
		case m, ok := <-lines:
			if !ok {
				t.Fatalf("monitor output ended before %s", what)
			}
			if match(m) {
				return m
			}
		case <-ctx.Done():
			t.Fatalf("no %s before the deadline", what)
		}
	}
}

func TestMonitorPrintsEventsAndAnswersMethods(t *testing.T) {
	for _, websocket := range []bool{false, true} {
		name := map[bool]string{false: "tls", true: "websocket"}[websocket]
		t.Run(name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			dh := startDeviceHub(t, "mon-dev")
			server := dh.hub.MQTTAddr()
			args := []string{"--json", "--ca", dh.caFile, "--reply-method", `reboot=200:{"ok":true}`}
			if websocket {
				server = strings.TrimPrefix(strings.TrimSuffix(dh.hub.WSURL(), "/$iothub/websocket"), "wss://")
				args = append(args, "--websocket")
			}
			args = append(args, "--server", server, "--connection-string", dh.connStr)

			runCtx, stop := context.WithCancel(ctx)
			pr, pw := io.Pipe()
			var stderr bytes.Buffer
			exit := make(chan int, 1)
			go func() {
				code := runCommand(runCtx, "monitor", args, pw, &stderr)
				pw.Close()
				exit <- code
			}()
			lines := jsonLines(t, pr)
			waitLine(ctx, t, lines, "connected", func(m map[string]any) bool {
				return m["type"] == "connection" && m["state"] == "connected"
			})

			if err := dh.hub.SendC2D("mon-dev", hubsim.C2DMessage{Payload: []byte(`{"led":1}`),
				Properties: map[string]string{"$tag": "a b", "k": "v/w"}}); err != nil {
				t.Fatal(err)
			}
			c2d := waitLine(ctx, t, lines, "c2d", func(m map[string]any) bool { return m["type"] == "c2d" })
			props, _ := c2d["properties"].(map[string]any)
			payload, _ := c2d["payload"].(map[string]any)
			if props["$tag"] != "a b" || props["k"] != "v/w" || payload["led"] != float64(1) {
				t.Errorf("c2d line = %v", c2d)
			}

			version, err := dh.hub.UpdateDesired("mon-dev", json.RawMessage(`{"rate":5}`))
			if err != nil {
				t.Fatal(err)
			}
			twin := waitLine(ctx, t, lines, "twin", func(m map[string]any) bool { return m["type"] == "twin" })
			if twin["version"] != float64(version) {
				t.Errorf("twin line = %v, want version %d", twin, version)
			}

			status, resp, err := dh.hub.InvokeMethod(ctx, "mon-dev", "reboot", json.RawMessage(`{}`), 10*time.Second)
			if err != nil || status != 200 || !bytes.Equal(bytes.TrimSpace(resp), []byte(`{"ok":true}`)) {
				t.Errorf("InvokeMethod = %d %s %v, want 200 {\"ok\":true}", status, resp, err)
			}
			waitLine(ctx, t, lines, "method", func(m map[string]any) bool { return m["type"] == "method" && m["name"] == "reboot" })

			stop()
			waitLine(ctx, t, lines, "disconnected", func(m map[string]any) bool {
				return m["type"] == "connection" && m["state"] == "disconnected"
			})
			select {
			case code := <-exit:
				if code != 0 {
					t.Errorf("exit = %d, stderr %q", code, stderr.String())
				}
			case <-ctx.Done():
				t.Fatal("monitor did not return after cancel")
			}
		})
	}
}

func TestMonitorAndSendBadArguments(t *testing.T) {
	t.Setenv(envConnectionString, "")
	tests := []struct {
		name string
		cmd  string
		args []string
		want int
		flag string // named in the one stderr line
	}{
		{"monitor no connection string", "monitor", nil, 2, "--connection-string"},
		{"monitor policy string", "monitor", []string{"--connection-string", "HostName=h;SharedAccessKeyName=iothubowner;SharedAccessKey=c2VjcmV0LWRldmljZS1rZXktMDEyMzQ1Njc4OWFiY2Q="}, 2, "--connection-string"},
		{"monitor bad reply", "monitor", []string{"--reply-method", "reboot"}, 2, "-reply-method"},
		{"monitor bad reply JSON", "monitor", []string{"--reply-method", "reboot=200:{no"}, 2, "-reply-method"},
		{"monitor stray argument", "monitor", []string{"extra"}, 2, "extra"},
		{"monitor bad server", "monitor", []string{"--connection-string", "HostName=h;DeviceId=d;SharedAccessKey=c2VjcmV0LWRldmljZS1rZXktMDEyMzQ1Njc4OWFiY2Q=", "--server", "nope"}, 2, "--server"},
		{"monitor missing CA", "monitor", []string{"--connection-string", "HostName=h;DeviceId=d;SharedAccessKey=c2VjcmV0LWRldmljZS1rZXktMDEyMzQ1Njc4OWFiY2Q=", "--ca", "/nonexistent/ca.pem"}, 2, "--ca"},
		{"monitor help", "monitor", []string{"--help"}, 0, ""},
		{"send no payload", "send", []string{"--connection-string", "HostName=h;DeviceId=d;SharedAccessKey=c2VjcmV0LWRldmljZS1rZXktMDEyMzQ1Njc4OWFiY2Q="}, 2, "PAYLOAD"},
		{"send bad properties", "send", []string{"--properties", "a=1,oops", "x"}, 2, "--properties"},
		{"send no connection string", "send", []string{"x"}, 2, "--connection-string"},
		{"send help", "send", []string{"--help"}, 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			got := runCommand(context.Background(), tt.cmd, tt.args, &stdout, &stderr)
			if got != tt.want {
				t.Fatalf("exit = %d, want %d; stderr %q", got, tt.want, stderr.String())
			}
			if tt.want == 2 {
				lines := strings.Split(strings.TrimSpace(stderr.String()), "\n")
				if len(lines) != 1 || !strings.Contains(lines[0], tt.flag) {
					t.Errorf("stderr = %q, want one line naming %s", stderr.String(), tt.flag)
				}
			}
			if tt.want == 0 && (!strings.Contains(stdout.String(), "-connection-string") || stderr.Len() != 0) {
				t.Errorf("help: stdout %q, stderr %q; want the flags on stdout", stdout.String(), stderr.String())
			}
		})
	}
}

func TestPrintEventText(t *testing.T) {
	at := time.Date(2030, 1, 2, 3, 4, 5, 0, time.Local)
	bag, err := hubclient.ParsePropertyBag("zeta=1&alpha=two")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		ev   hubclient.Event
		want string
	}{
		{"c2d", &hubclient.C2DMessage{Properties: bag, System: hubclient.SystemProperties{MessageID: "m1"}, Payload: []byte("hi"), Received: at},
			"03:04:05  cloud-to-device message  \"hi\"\n    alpha = two\n    zeta = 1\n    $.mid = m1\n"},
		{"twin", &hubclient.DesiredPatch{Version: 3, Patch: json.RawMessage(`{"a":1}`), Received: at},
			"03:04:05  desired properties changed, version 3  {\"a\":1}\n"},
		{"method", &hubclient.MethodCall{Name: "reboot", Received: at}, "03:04:05  method call reboot  (empty)\n"},
		{"state", &hubclient.ConnectionState{State: hubclient.StateReconnecting, Reason: hubclient.ReasonRenewing, Time: at},
			"03:04:05  reconnecting: renewing the token\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			printEventText(&b, tt.ev)
			if b.String() != tt.want {
				t.Errorf("printed %q, want %q", b.String(), tt.want)
			}
		})
	}
}
