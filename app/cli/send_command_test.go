package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/lang"

	"qpyhub/cloud/hubclient"
)

func TestSendTelemetry(t *testing.T) {
	tests := []struct {
		name      string
		extra     []string
		payload   string
		wantProps map[string]string
	}{
		{"plain", nil, "hello", map[string]string{}},
		{"properties and content type", []string{"--properties", "alert=high,room=lab 2", "--content-type", "application/json"},
			`{"t":21}`, map[string]string{"alert": "high", "room": "lab 2", "$.ct": "application/json", "$.ce": "utf-8"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			dh := startDeviceHub(t, "send-dev")
			t.Setenv(envConnectionString, dh.connStr) // the env form of --connection-string
			args := append([]string{"--ca", dh.caFile, "--server", dh.hub.MQTTAddr()}, tt.extra...)
			args = append(args, tt.payload)
			var stdout, stderr bytes.Buffer
			if code := runCommand(ctx, "send", args, &stdout, &stderr); code != 0 {
				t.Fatalf("exit = %d, stderr %q", code, stderr.String())
			}
			msgs := dh.hub.Telemetry("send-dev", time.Time{})
			if len(msgs) != 1 {
				t.Fatalf("hub holds %d messages, want 1", len(msgs))
			}
			if string(msgs[0].Payload) != tt.payload || !reflect.DeepEqual(msgs[0].Properties, tt.wantProps) {
				t.Errorf("hub got %q %v, want %q %v", msgs[0].Payload, msgs[0].Properties, tt.payload, tt.wantProps)
			}
		})
	}
}

func TestSendConnectFailures(t *testing.T) {
	dh := startDeviceHub(t, "fail-dev")
	other := startDeviceHub(t, "other-dev")
	wrongKey := strings.Replace(dh.connStr, "SharedAccessKey=", "SharedAccessKey=AAAA", 1)
	tests := []struct {
		name, connStr, caFile, want string
	}{
		{"untrusted CA", dh.connStr, other.caFile, "not trusted"},
		{"wrong key", wrongKey, dh.caFile, "not authorized"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			var stdout, stderr bytes.Buffer
			code := runCommand(ctx, "send", []string{"--connection-string", tt.connStr, "--ca", tt.caFile, "--server", dh.hub.MQTTAddr(), "x"}, &stdout, &stderr)
			if code != 1 || !strings.Contains(stderr.String(), tt.want) {
				t.Errorf("exit = %d, stderr %q; want 1 and %q", code, stderr.String(), tt.want)
			}
			if strings.Contains(stderr.String(), "SharedAccessKey") {
				t.Errorf("stderr shows the connection string: %q", stderr.String())
			}
		})
	}
}

// A session that gave the device up says so in the words the window uses,
// not as the package's own error text; any other failure keeps the
// command's own words with the cause.
func TestSendFailureGivesTheSessionsReason(t *testing.T) {
	err := failedUnlessKnown(lang.L("the hub did not acknowledge the message"), fmt.Errorf("send: %w", &hubclient.EndedError{Reason: hubclient.ReasonDisplaced}))
	if got := failureLine(err); !strings.HasPrefix(got, lang.L(hubclient.ReasonDisplaced)) || strings.Contains(got, "acknowledge") {
		t.Errorf("line = %q, want the translated reason, not the command's words", got)
	}
	err = failedUnlessKnown(lang.L("the hub did not acknowledge the message"), errors.New("timeout"))
	if got := failureLine(err); got != "the hub did not acknowledge the message [timeout]" {
		t.Errorf("line = %q, want the command's words and the cause", got)
	}
}
