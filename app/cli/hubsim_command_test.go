package cli

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
	"qpyhub/cloud/hubsim"
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
		exit <- runCommand(ctx, "hubsim", []string{"--listen", "127.0.0.1:0", "--ws", "127.0.0.1:0", "--http", "127.0.0.1:0",
			"--registry", registry, "--ca-out", caFile, "--device", "dev-a", "--device", "dev-b"}, outW, io.Discard)
		outW.Close()
	}()
	broker, devices := readHubsimBanner(t, out)
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
	saved, err := os.ReadFile(registry)
	if err != nil || !bytes.Contains(saved, []byte(`"dev-b"`)) {
		t.Fatalf("registry file: %v %s", err, saved)
	}
}

// The CA written by --ca-out stays the same across runs on one registry
// file, so modules set up against the hub reconnect after a restart;
// --new-ca replaces it.
func TestHubsimKeepsItsCAUnlessAskedForANewOne(t *testing.T) {
	dir := t.TempDir()
	registry := filepath.Join(dir, "registry.json")
	run := func(extra ...string) []byte {
		t.Helper()
		caFile := filepath.Join(dir, "ca.pem")
		ctx, cancel := context.WithCancel(context.Background())
		cancel() // write the CA, start and stop at once
		var stderr bytes.Buffer
		args := append([]string{"--listen", "127.0.0.1:0", "--ws", "", "--http", "", "--registry", registry, "--ca-out", caFile}, extra...)
		if code := runCommand(ctx, "hubsim", args, io.Discard, &stderr); code != 0 {
			t.Fatalf("exit %d: %s", code, stderr.String())
		}
		pem, err := os.ReadFile(caFile)
		if err != nil {
			t.Fatal(err)
		}
		return pem
	}
	first := run()
	if again := run(); !bytes.Equal(first, again) {
		t.Fatal("a restart on the same registry wrote a different CA")
	}
	renewed := run("--new-ca")
	if bytes.Equal(first, renewed) {
		t.Fatal("--new-ca kept the old CA")
	}
	if after := run(); !bytes.Equal(after, renewed) {
		t.Fatal("the CA made by --new-ca was not kept")
	}
}

func TestHubsimBadArguments(t *testing.T) {
	tests := []struct {
		args     []string
		wantCode int
		wantErr  string // the start of the one stderr line
	}{
		{[]string{"--nope"}, 2, "qpyhub hubsim: --nope: is not a flag"},
		{[]string{"extra"}, 2, "qpyhub hubsim: \"extra\""},
		{[]string{"--listen", ""}, 2, "qpyhub hubsim: --listen: "},
		{[]string{"--listen", "nonsense"}, 2, "qpyhub hubsim: --listen: "},
		{[]string{"--listen", "127.0.0.1:99999"}, 2, "qpyhub hubsim: --listen: "},
		{[]string{"--ws", "localhost"}, 2, "qpyhub hubsim: --ws: "},
		{[]string{"--http", "127.0.0.1:http"}, 2, "qpyhub hubsim: --http: "},
		{[]string{"--token-grace", "-1s"}, 2, "qpyhub hubsim: --token-grace: "},
		{[]string{"--token-grace", "soon"}, 2, "qpyhub hubsim: --token-grace: "},
		{[]string{"--host", "hub.example.com:8883"}, 2, "qpyhub hubsim: --host: "},
		{[]string{"--host", "bad\xffname"}, 2, "qpyhub hubsim: --host: "},
		{[]string{"--id-scope", "0ne/../x"}, 2, "qpyhub hubsim: --id-scope: "},
		{[]string{"--device", "bad id"}, 2, "qpyhub hubsim: --device: "},
		{[]string{"--device", strings.Repeat("d", 129)}, 2, "qpyhub hubsim: --device: "},
		{[]string{"--registry", "/no/such/dir/r.json"}, 2, "qpyhub hubsim: --registry: "},
		{[]string{"--ca-out", "/no/such/dir/ca.pem"}, 2, "qpyhub hubsim: --ca-out: "},
		{[]string{"--help"}, 0, ""},
	}
	for _, tc := range tests {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			ctx, cancel := context.WithCancel(context.Background())
			cancel() // a hub that starts by mistake stops at once
			code := runCommand(ctx, "hubsim", append([]string{"--listen", "127.0.0.1:0", "--ws", "", "--http", ""}, tc.args...), &stdout, &stderr)
			if code != tc.wantCode {
				t.Fatalf("exit %d, want %d (stderr %q)", code, tc.wantCode, stderr.String())
			}
			if tc.wantErr != "" && (!strings.HasPrefix(stderr.String(), tc.wantErr) || strings.Count(stderr.String(), "\n") != 1) {
				t.Fatalf("stderr %q, want one line starting %q", stderr.String(), tc.wantErr)
			}
			if tc.wantCode == 0 && (!strings.Contains(stdout.String(), "--registry") || !strings.Contains(stdout.String(), "--token-grace")) {
				t.Fatalf("help %q lacks the flags", stdout.String())
			}
		})
	}
}

func TestHubsimWarnsWhenListeningBeyondLoopback(t *testing.T) {
	tests := []struct {
		cfg  hubsim.Config
		warn string // "" for no warning
	}{
		{hubsim.Config{MQTTAddr: "127.0.0.1:8883", WSAddr: "[::1]:8443", HTTPAddr: "localhost:8080"}, ""},
		{hubsim.Config{MQTTAddr: "127.0.0.1:0"}, ""},
		{hubsim.Config{MQTTAddr: "0.0.0.0:8883"}, "--listen 0.0.0.0:8883"},
		{hubsim.Config{MQTTAddr: ":8883"}, "--listen :8883"},
		{hubsim.Config{MQTTAddr: "127.0.0.1:8883", WSAddr: "192.168.1.20:8443"}, "--ws 192.168.1.20:8443"},
		{hubsim.Config{MQTTAddr: "127.0.0.1:8883", HTTPAddr: "[::]:8080"}, "--http [::]:8080"},
		{hubsim.Config{MQTTAddr: "hub.lan:8883"}, "--listen hub.lan:8883"},
	}
	for _, tc := range tests {
		got := exposedWarning(tc.cfg)
		switch {
		case tc.warn == "" && got != "":
			t.Errorf("%+v: warned %q", tc.cfg, got)
		case tc.warn != "" && (!strings.Contains(got, "WARNING") || !strings.Contains(got, tc.warn) || !strings.Contains(got, "keys")):
			t.Errorf("%+v: warning %q, want one naming %q and the keys", tc.cfg, got, tc.warn)
		}
	}
}

// With --token-grace 0s the hub drops a device whose 5-second token has
// expired within a second of the expiry, and logs why; the time comes from
// the hub's own log line.
func TestHubsimTokenGraceZero(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out, outW := io.Pipe()
	logs, logsW := io.Pipe()
	exit := make(chan int, 1)
	go func() {
		exit <- runCommand(ctx, "hubsim", []string{"--listen", "127.0.0.1:0", "--ws", "", "--http", "", "--token-grace", "0s", "--device", "dev-a"}, outW, logsW)
		outW.Close()
		logsW.Close()
	}()
	defer func() { cancel(); <-exit }()
	closed := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(logs)
		for sc.Scan() {
			if l := sc.Text(); strings.Contains(l, "connection closed") && strings.Contains(l, "client=dev-a") {
				select {
				case closed <- l:
				default:
				}
			}
		}
	}()
	broker, devices := readHubsimBanner(t, out)
	cs, _ := cloud.ParseConnectionString(devices["dev-a"])
	creds, err := cloud.DeviceMQTTCredentials(cloud.DeviceIdentity{Host: cs.HostName, DeviceID: cs.DeviceID, Key: cs.SharedAccessKey}, time.Now().Add(5*time.Second), false)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := cloud.ParseSASToken(creds.Password)
	if err != nil {
		t.Fatal(err)
	}
	lost := make(chan error, 1)
	opts := paho.NewClientOptions().AddBroker(broker).SetClientID(creds.ClientID).SetUsername(creds.Username).
		SetPassword(creds.Password).SetProtocolVersion(4).SetAutoReconnect(false).SetConnectTimeout(hubsimWait).
		SetTLSConfig(&tls.Config{InsecureSkipVerify: true}). // the test is about expiry, not trust
		SetConnectionLostHandler(func(_ paho.Client, err error) { lost <- err })
	c := paho.NewClient(opts)
	if tok := c.Connect(); !tok.WaitTimeout(hubsimWait) || tok.Error() != nil {
		t.Fatalf("connect: %v", tok.Error())
	}
	select {
	case <-lost:
	case <-time.After(hubsimWait):
		t.Fatal("the hub did not drop the device")
	}
	var line string
	select {
	case line = <-closed:
	case <-time.After(hubsimWait):
		t.Fatal("the hub logged no closed connection")
	}
	if !strings.Contains(line, "expired") {
		t.Fatalf("log line %q does not say the token expired", line)
	}
	stamp, _, _ := strings.Cut(strings.TrimPrefix(line, "time="), " ")
	at, err := time.Parse(time.RFC3339Nano, stamp)
	if err != nil {
		t.Fatalf("log line %q: %v", line, err)
	}
	if at.Before(tok.Expiry) || !at.Before(tok.Expiry.Add(time.Second)) {
		t.Fatalf("dropped at %s, token expired at %s: want within a second after", at.Format(time.RFC3339Nano), tok.Expiry.Format(time.RFC3339))
	}
}

// readHubsimBanner reads the banner up to its last line and returns the
// broker address and the device connection strings.
func readHubsimBanner(t *testing.T, out io.Reader) (string, map[string]string) {
	t.Helper()
	lines := make(chan string, 64)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	var broker string
	devices := map[string]string{}
	deadline := time.After(hubsimWait)
	for {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatal("hubsim ended before its banner did")
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
			if strings.Contains(l, "Ctrl+C") {
				go func() {
					for range lines { // drain
					}
				}()
				return broker, devices
			}
		case <-deadline:
			t.Fatal("hubsim printed no banner in time")
		}
	}
}
