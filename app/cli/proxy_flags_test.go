package cli

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"qpyhub/cloud/hubclient/proxytest"
	"qpyhub/cloud/hubsim"
)

func TestMonitorThroughProxy(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	dh := startDeviceHub(t, "px-dev")
	proxy := proxytest.Start("qpy", "pr0xy-pw", false)
	defer proxy.Close()
	server := strings.TrimPrefix(strings.TrimSuffix(dh.hub.WSURL(), "/$iothub/websocket"), "wss://")
	args := []string{"--json", "--websocket", "--proxy", proxy.URL("qpy", "pr0xy-pw").String(),
		"--ca", dh.caFile, "--server", server, "--connection-string", dh.connStr}

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
	if err := dh.hub.SendC2D("px-dev", hubsim.C2DMessage{Payload: []byte(`{"via":"proxy"}`)}); err != nil {
		t.Fatal(err)
	}
	waitLine(ctx, t, lines, "c2d", func(m map[string]any) bool {
		payload, _ := m["payload"].(map[string]any)
		return m["type"] == "c2d" && payload["via"] == "proxy"
	})
	stop()
	go func() { // drain the final lines so monitor can finish
		for range lines {
		}
	}()
	select {
	case code := <-exit:
		if code != 0 {
			t.Errorf("exit = %d, stderr %q", code, stderr.String())
		}
	case <-ctx.Done():
		t.Fatal("monitor did not return after cancel")
	}
	if tunnels := proxy.Tunnels(); len(tunnels) != 1 || tunnels[0] != server {
		t.Errorf("proxy tunnels = %v, want one to %s", tunnels, server)
	}
}

func TestSendThroughProxy(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	dh := startDeviceHub(t, "px-dev")
	proxy := proxytest.Start("qpy", "pr0xy-pw", false)
	defer proxy.Close()
	server := strings.TrimPrefix(strings.TrimSuffix(dh.hub.WSURL(), "/$iothub/websocket"), "wss://")
	base := []string{"--ca", dh.caFile, "--server", server, "--connection-string", dh.connStr}

	t.Run("password from the environment, WebSockets implied", func(t *testing.T) {
		t.Setenv(envProxyPassword, "pr0xy-pw")
		var stdout, stderr bytes.Buffer
		args := append([]string{"--proxy", "http://qpy@" + proxy.URL("", "").Host}, base...)
		if code := runCommand(ctx, "send", append(args, `{"t":1}`), &stdout, &stderr); code != 0 {
			t.Fatalf("exit = %d, stderr %q", code, stderr.String())
		}
		if n := len(dh.hub.Telemetry("px-dev", time.Time{})); n != 1 {
			t.Errorf("hub holds %d telemetry messages, want 1", n)
		}
		if n := len(proxy.Tunnels()); n != 1 {
			t.Errorf("proxy opened %d tunnels, want 1", n)
		}
	})
	t.Run("wrong password", func(t *testing.T) {
		var stdout, stderr bytes.Buffer
		args := append([]string{"--proxy", proxy.URL("qpy", "not-the-pw").String()}, base...)
		code := runCommand(ctx, "send", append(args, `{"t":2}`), &stdout, &stderr)
		msg := stderr.String()
		if code != 1 || !strings.Contains(msg, "407") || !strings.Contains(msg, proxy.URL("", "").Host) {
			t.Errorf("exit = %d, stderr %q; want 1 and a line naming the proxy and 407", code, msg)
		}
		if strings.Contains(msg, "not-the-pw") || strings.Count(msg, "\n") != 1 {
			t.Errorf("stderr %q is not one line without the password", msg)
		}
	})
	t.Run("bad flags", func(t *testing.T) {
		for _, extra := range [][]string{
			{"--proxy", "socks5://qpy:secretpw@h:1"},
			{"--proxy", "http://h:1", "--proxy-from-env"},
		} {
			var stdout, stderr bytes.Buffer
			code := runCommand(ctx, "send", append(append(extra, base...), "x"), &stdout, &stderr)
			msg := stderr.String()
			if code != 2 || !strings.Contains(msg, "--proxy") || strings.Contains(msg, "secretpw") {
				t.Errorf("%v: exit = %d, stderr %q; want 2 naming --proxy without the password", extra, code, msg)
			}
		}
	})
}
