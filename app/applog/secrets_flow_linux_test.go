//go:build linux

// The module side runs the MicroPython test peer, which needs a Linux
// pseudo-terminal.

package applog_test

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"qpyhub/app/applog"
	"qpyhub/cloud"
	"qpyhub/cloud/hubclient"
	"qpyhub/cloud/hubsim"
	"qpyhub/device/probe"
	"qpyhub/device/repl"
	"qpyhub/device/testpeer"
)

// TestNoSecretReachesTheLogInAFullFlow runs the real parts with the log
// at Debug — the local hub, a device session sending telemetry and taking
// a cloud-to-device message, SAS credentials for the device and a hub
// policy, a module check against the MicroPython peer — logs their
// secrets the careless ways code might, then reads the log files.
func TestNoSecretReachesTheLogInAFullFlow(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	dir := t.TempDir()
	log, closer, err := applog.Open(dir, slog.LevelDebug)
	if err != nil {
		t.Fatal(err)
	}
	var secrets []string
	secret := func(s string) string {
		secrets = append(secrets, s)
		if u, err := url.QueryUnescape(s); err == nil && u != s {
			secrets = append(secrets, u)
		}
		secrets = append(secrets, url.QueryEscape(s))
		return s
	}

	// The hub, with a device and the owner policy.
	srv, err := hubsim.New(hubsim.Config{MQTTAddr: "127.0.0.1:0", Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	rec, err := srv.AddDevice("tray-01")
	if err != nil {
		t.Fatal(err)
	}
	deviceKey := secret(rec.PrimaryKey)
	policy, err := cloud.ParseConnectionString(srv.PolicyConnectionString("iothubowner"))
	if err != nil {
		t.Fatal(err)
	}
	policyKey := secret(policy.SharedAccessKey)
	deviceCS, err := srv.DeviceConnectionString("tray-01")
	if err != nil {
		t.Fatal(err)
	}

	// Credentials for the device and for the policy.
	id := cloud.DeviceIdentity{Host: srv.HostName(), DeviceID: "tray-01", Key: deviceKey}
	creds, err := cloud.DeviceMQTTCredentials(id, time.Now().Add(time.Hour), false)
	if err != nil {
		t.Fatal(err)
	}
	policyToken, err := cloud.NewSASToken(srv.HostName(), policyKey, "iothubowner", time.Now().Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	for _, tok := range []string{creds.Password, policyToken} {
		secret(tok)
		parsed, err := cloud.ParseSASToken(tok)
		if err != nil {
			t.Fatal(err)
		}
		secret(parsed.Signature)
	}

	// Careless logging: every way a secret could be handed to the log.
	log.Debug("credentials made", "username", creds.Username, "value", creds.Password)
	log.Debug("policy token " + policyToken)
	log.Debug("device connection string", "cs", deviceCS)
	log.Debug("identity", "raw", fmt.Sprintf("%+v", struct{ Host, DeviceID, Key string }{id.Host, id.DeviceID, id.Key}))
	log.Debug("derived", "detail", mustUnescape(t, sigOf(t, creds.Password)))
	log.Error("connect failed", "err", fmt.Errorf("hub refused %s: %w", creds.Password, context.DeadlineExceeded))
	log.Debug("policy", "primaryKey", policyKey, "note", "key "+policyKey)

	// A real session, through the log.
	roots := x509.NewCertPool()
	roots.AppendCertsFromPEM(srv.CAPEM())
	session, err := hubclient.New(hubclient.Config{Identity: id, ServerAddr: srv.MQTTAddr(), RootCAs: roots, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	defer session.Close()
	if err := session.Connect(ctx); err != nil {
		t.Fatalf("Connect: %v", err)
	}
	if err := session.SendTelemetry(ctx, []byte(`{"t":21}`), nil, hubclient.SystemProperties{}); err != nil {
		t.Fatal(err)
	}
	if _, err := srv.WaitTelemetry(ctx, "tray-01", func(hubsim.TelemetryMessage) bool { return true }); err != nil {
		t.Fatal(err)
	}
	log.Info("telemetry sent", "device", "tray-01")
	if err := srv.SendC2D("tray-01", hubsim.C2DMessage{Payload: []byte(`{"blink":3}`)}); err != nil {
		t.Fatal(err)
	}
	waitC2D(ctx, t, session)
	log.Info("cloud-to-device message received", "device", "tray-01")

	// A module check against the MicroPython peer.
	peer, err := testpeer.Start(ctx, testpeer.Options{})
	if err != nil {
		t.Fatalf("start peer: %v", err)
	}
	defer peer.Close()
	s, err := repl.Open(ctx, peer.Path(), repl.Options{})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := probe.Run(ctx, probe.OverSession(s))
	s.Close()
	if err != nil || rep.IMEI == "" {
		t.Fatalf("module check: IMEI %q, %v", rep.IMEI, err)
	}
	log.Info("module check", "port", peer.Path(), "model", rep.Model, "ready", rep.Ready, "report", rep)

	session.Close()
	srv.Close()
	if err := closer.Close(); err != nil {
		t.Fatal(err)
	}

	raw, decoded := readLogs(t, dir)
	for _, s := range secrets {
		if len(s) < 8 {
			continue
		}
		if strings.Contains(raw, s) || strings.Contains(decoded, s) {
			t.Errorf("the log holds the secret %q", s)
		}
	}
	for _, event := range []string{"local hub started", "hub connection", "telemetry sent",
		"cloud-to-device message received", "module check", "connect failed", rep.IMEI, "HostName=" + srv.HostName()} {
		if !strings.Contains(decoded, event) {
			t.Errorf("the log does not mention %q", event)
		}
	}
	if t.Failed() {
		t.Logf("log:\n%s", raw)
	}
}

func sigOf(t *testing.T, token string) string {
	t.Helper()
	parsed, err := cloud.ParseSASToken(token)
	if err != nil {
		t.Fatal(err)
	}
	return parsed.Signature
}

func mustUnescape(t *testing.T, s string) string {
	t.Helper()
	u, err := url.QueryUnescape(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func waitC2D(ctx context.Context, t *testing.T, s *hubclient.Session) {
	t.Helper()
	for {
		select {
		case ev, ok := <-s.Events():
			if !ok {
				t.Fatal("the session ended before the message arrived")
			}
			if _, isC2D := ev.(*hubclient.C2DMessage); isC2D {
				return
			}
		case <-ctx.Done():
			t.Fatal("no cloud-to-device message arrived")
		}
	}
}

// readLogs returns every log file's text as written and, to see through
// JSON escapes, every message and attribute value decoded.
func readLogs(t *testing.T, dir string) (raw, decoded string) {
	t.Helper()
	paths, _ := filepath.Glob(filepath.Join(dir, applog.FileName+"*"))
	if len(paths) == 0 {
		t.Fatal("no log file was written")
	}
	var rawB, decB strings.Builder
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		rawB.Write(b)
		for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
			var rec map[string]any
			if err := json.Unmarshal([]byte(line), &rec); err != nil {
				t.Fatalf("log line is not JSON: %q", line)
			}
			collectStrings(&decB, rec)
		}
	}
	return rawB.String(), decB.String()
}

func collectStrings(b *strings.Builder, v any) {
	switch v := v.(type) {
	case string:
		b.WriteString(v + "\n")
	case map[string]any:
		for _, x := range v {
			collectStrings(b, x)
		}
	case []any:
		for _, x := range v {
			collectStrings(b, x)
		}
	}
}
