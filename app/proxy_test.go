package app

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"qpyhub/cloud/hubclient/proxytest"
	"qpyhub/cloud/hubsim"
)

func TestProxyFunc(t *testing.T) {
	hubReq := &http.Request{URL: &url.URL{Scheme: "https", Host: "myhub.azure-devices.net:443"}}
	tests := []struct {
		name                      string
		mode, raw, user, password string
		want                      string // the proxy chosen for the hub; "" = none
		wantErr                   bool
	}{
		{"none", ProxyNone, "http://ignored:1", "", "", "", false},
		{"empty mode", "", "", "", "", "", false},
		{"manual", ProxyManual, "http://proxy.corp:8080", "", "", "http://proxy.corp:8080", false},
		{"bare host:port", ProxyManual, " proxy.corp:3128 ", "", "", "http://proxy.corp:3128", false},
		{"https with slash", ProxyManual, "https://proxy.corp/", "", "", "https://proxy.corp", false},
		{"user and password", ProxyManual, "http://proxy.corp:8080", "me", "p@ss:word", "http://me:p%40ss%3Aword@proxy.corp:8080", false},
		{"user replaces URL's", ProxyManual, "http://old:old@proxy.corp:8080", "me", "pw", "http://me:pw@proxy.corp:8080", false},
		{"URL's credentials kept", ProxyManual, "http://me:pw@proxy.corp:8080", "", "", "http://me:pw@proxy.corp:8080", false},
		{"empty URL", ProxyManual, "", "", "", "", true},
		{"socks", ProxyManual, "socks5://me:secretpw@proxy.corp:1080", "", "", "", true},
		{"path", ProxyManual, "http://me:secretpw@proxy.corp:8080/pac", "", "", "", true},
		{"no host", ProxyManual, "http://:8080", "", "", "", true},
		{"bad mode", "auto", "", "", "", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fn, err := ProxyFunc(tt.mode, tt.raw, tt.user, tt.password)
			if tt.wantErr {
				if err == nil {
					t.Fatal("no error")
				}
				if strings.Contains(err.Error(), "secretpw") {
					t.Errorf("error %q quotes the password", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got := ""
			if fn != nil {
				u, err := fn(hubReq)
				if err != nil {
					t.Fatal(err)
				}
				got = u.String()
			}
			if got != tt.want {
				t.Errorf("proxy = %q, want %q", got, tt.want)
			}
		})
	}
	for _, mode := range []string{ProxyEnvironment, "system"} {
		if fn, err := ProxyFunc(mode, "", "", ""); fn == nil || err != nil {
			t.Errorf("mode %s: function set %v, error %v; want a proxy function", mode, fn != nil, err)
		}
	}
}

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
		code := runMonitor(runCtx, args, pw, &stderr)
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
		if code := runSend(ctx, append(args, `{"t":1}`), &stdout, &stderr); code != 0 {
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
		code := runSend(ctx, append(args, `{"t":2}`), &stdout, &stderr)
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
			code := runSend(ctx, append(append(extra, base...), "x"), &stdout, &stderr)
			msg := stderr.String()
			if code != 2 || !strings.Contains(msg, "--proxy") || strings.Contains(msg, "secretpw") {
				t.Errorf("%v: exit = %d, stderr %q; want 2 naming --proxy without the password", extra, code, msg)
			}
		}
	})
}
