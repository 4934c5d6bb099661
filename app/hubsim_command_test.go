package app

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	paho "github.com/eclipse/paho.mqtt.golang"

	"qpyhub/cloud"
)

const hubsimWait = 15 * time.Second

func TestHubsimServesAndConnects(t *testing.T) {
	dir := t.TempDir()
	caFile := filepath.Join(dir, "ca.pem")
	registry := filepath.Join(dir, "registry.json")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out, outW := io.Pipe()
	exit := make(chan int, 1)
	go func() {
		exit <- runHubsim(ctx, []string{"--listen", "127.0.0.1:0", "--ws", "127.0.0.1:0", "--http", "127.0.0.1:0",
			"--registry", registry, "--ca-out", caFile, "--device", "dev-a", "--device", "dev-b"}, outW, io.Discard)
		outW.Close()
	}()
	lines := make(chan string, 64)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()

	// Read the banner up to its last line.
	var broker string
	devices := map[string]string{}
	deadline := time.After(hubsimWait)
	for done := false; !done; {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatalf("hubsim ended early (exit %d)", <-exit)
			}
			if i := strings.Index(l, "ssl://"); i >= 0 {
				broker = l[i:]
			}
			if i := strings.Index(l, "HostName="); i >= 0 && strings.Contains(l, "DeviceId=") {
				cs, err := cloud.ParseConnectionString(l[i:])
				if err != nil {
					t.Fatalf("banner line %q: %v", l, err)
				}
				devices[cs.DeviceID] = l[i:]
			}
			done = strings.Contains(l, "Ctrl+C")
		case <-deadline:
			t.Fatal("hubsim printed no banner in time")
		}
	}
	if broker == "" || len(devices) != 2 || devices["dev-a"] == "" {
		t.Fatalf("banner gave broker %q devices %v", broker, devices)
	}

	// A device connects with what the banner printed.
	cs, _ := cloud.ParseConnectionString(devices["dev-a"])
	creds, err := cloud.DeviceMQTTCredentials(cloud.DeviceIdentity{Host: cs.HostName, DeviceID: cs.DeviceID, Key: cs.SharedAccessKey}, time.Now().Add(time.Hour), false)
	if err != nil {
		t.Fatal(err)
	}
	pem, err := os.ReadFile(caFile)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		t.Fatal("--ca-out file holds no certificate")
	}
	opts := paho.NewClientOptions().AddBroker(broker).SetClientID(creds.ClientID).SetUsername(creds.Username).
		SetPassword(creds.Password).SetProtocolVersion(4).SetAutoReconnect(false).SetConnectTimeout(hubsimWait).
		SetTLSConfig(&tls.Config{RootCAs: pool, ServerName: "localhost"})
	c := paho.NewClient(opts)
	if tok := c.Connect(); !tok.WaitTimeout(hubsimWait) || tok.Error() != nil {
		t.Fatalf("connect with the printed credentials: %v", tok.Error())
	}
	c.Disconnect(0)

	// Ctrl+C ends it cleanly, and the registry survives.
	cancel()
	select {
	case code := <-exit:
		if code != 0 {
			t.Fatalf("exit %d after cancel", code)
		}
	case <-time.After(hubsimWait):
		t.Fatal("hubsim did not stop after cancel")
	}
	for range lines { // drain
	}
	saved, err := os.ReadFile(registry)
	if err != nil || !bytes.Contains(saved, []byte(`"dev-b"`)) {
		t.Fatalf("registry file: %v %s", err, saved)
	}
}

func TestHubsimBadArguments(t *testing.T) {
	tests := []struct {
		args     []string
		wantCode int
		wantErr  string
	}{
		{[]string{"--nope"}, 2, "nope"},
		{[]string{"extra"}, 2, "extra"},
		{[]string{"--listen", ""}, 2, "--listen"},
		{[]string{"--help"}, 0, ""},
	}
	for _, tc := range tests {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := runHubsim(context.Background(), tc.args, &stdout, &stderr)
			if code != tc.wantCode {
				t.Fatalf("exit %d, want %d (stderr %q)", code, tc.wantCode, stderr.String())
			}
			if tc.wantErr != "" && (!strings.Contains(stderr.String(), tc.wantErr) || strings.Count(stderr.String(), "\n") != 1) {
				t.Fatalf("stderr %q, want one line naming %q", stderr.String(), tc.wantErr)
			}
			if tc.wantCode == 0 && !strings.Contains(stdout.String(), "--registry") {
				t.Fatalf("help %q lacks the flags", stdout.String())
			}
		})
	}
}
