package cli

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"strings"
	"testing"
	"time"

	paho "github.com/eclipse/paho.mqtt.golang"

	"qpyhub/cloud"
	"qpyhub/cloud/hubclient"
)

// startRival connects as the device with paho and, like a module program
// or a second console, takes the device back at once whenever it is
// pushed off, until the test ends.
func startRival(t *testing.T, dh deviceHub) {
	t.Helper()
	parsed, err := cloud.ParseConnectionString(dh.connStr)
	if err != nil {
		t.Fatal(err)
	}
	id, err := cloud.IdentityFromConnectionString(parsed)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	creds, err := cloud.DeviceMQTTCredentialsAt(now, id, now.Add(time.Hour), false)
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	roots.AppendCertsFromPEM(dh.hub.CAPEM())
	lost := make(chan struct{}, 1)
	opts := paho.NewClientOptions().
		AddBroker("ssl://" + dh.hub.MQTTAddr()).
		SetClientID(creds.ClientID).
		SetUsername(creds.Username).
		SetPassword(creds.Password).
		SetTLSConfig(&tls.Config{RootCAs: roots, ServerName: "localhost", MinVersion: tls.VersionTLS12}).
		SetProtocolVersion(4).
		SetAutoReconnect(false).
		SetConnectTimeout(10 * time.Second).
		SetConnectionLostHandler(func(paho.Client, error) {
			select {
			case lost <- struct{}{}:
			default:
			}
		})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		for ctx.Err() == nil {
			c := paho.NewClient(opts)
			if tok := c.Connect(); !tok.WaitTimeout(10*time.Second) || tok.Error() != nil {
				continue // pushed off while connecting: at once again
			}
			select {
			case <-lost:
			case <-ctx.Done():
				c.Disconnect(0)
			}
		}
	}()
	t.Cleanup(func() { cancel(); <-done })
}

// monitor gives the device up to another program that keeps taking it
// back: it ends on its own with exit 1 and one line saying why, instead of
// pushing the other program off for ever.
func TestMonitorStopsWhenDisplaced(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	dh := startDeviceHub(t, "shared-dev")
	startRival(t, dh)
	args := []string{"--ca", dh.caFile, "--server", dh.hub.MQTTAddr(), "--connection-string", dh.connStr}
	var stdout, stderr bytes.Buffer
	exit := make(chan int, 1)
	go func() { exit <- runCommand(ctx, "monitor", args, &stdout, &stderr) }()
	select {
	case code := <-exit:
		if code != 1 {
			t.Errorf("exit = %d, want 1", code)
		}
	case <-ctx.Done():
		t.Fatalf("monitor kept fighting for the device:\n%s", stdout.String())
	}
	lines := strings.Split(strings.TrimSpace(stderr.String()), "\n")
	if len(lines) != 1 || !strings.Contains(lines[0], hubclient.ReasonDisplaced) {
		t.Errorf("stderr = %q, want one line with %q", stderr.String(), hubclient.ReasonDisplaced)
	}
	// Pushed off while it first connects, it gives up in Connect;
	// pushed off later, its last printed state says why.
	if strings.Contains(stdout.String(), "connected") && !strings.Contains(stdout.String(), "disconnected: "+hubclient.ReasonDisplaced) {
		t.Errorf("stdout = %q, want the final state with the reason", stdout.String())
	}
}
