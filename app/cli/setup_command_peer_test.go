//go:build linux

// The test peer runs on a Linux pseudo-terminal.

package cli

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"qpyhub/cloud/hubsim"
	"qpyhub/device/testpeer"
)

// setupHub runs a local hub with REST and writes its CA to a file.
func setupHub(t *testing.T) (*hubsim.Server, string) {
	t.Helper()
	hub, err := hubsim.New(hubsim.Config{MQTTAddr: "127.0.0.1:0", HTTPAddr: "127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	if err := hub.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { hub.Close() })
	ca := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(ca, hub.CAPEM(), 0o600); err != nil {
		t.Fatal(err)
	}
	return hub, ca
}

func TestRunSetupJSONTwoModulesOneWithoutSIM(t *testing.T) {
	hub, ca := setupHub(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	good, err := testpeer.Start(ctx, testpeer.Options{Scenario: map[string]any{"imei": "866327040000201"}})
	if err != nil {
		t.Fatal(err)
	}
	defer good.Close()
	bad, err := testpeer.Start(ctx, testpeer.Options{Scenario: map[string]any{"imei": "866327040000202", "sim_status": 0}})
	if err != nil {
		t.Fatal(err)
	}
	defer bad.Close()
	record := filepath.Join(t.TempDir(), "tray.csv")
	t.Setenv(envHubConnectionString, hub.PolicyConnectionString("iothubowner"))
	var out, errOut bytes.Buffer
	code := runCommand(ctx, "setup", []string{"--port", good.Path(), "--port", bad.Path(), "--json", "--record", record,
		"--server", hub.MQTTAddr(), "--ca", ca, "--rest", hub.HTTPURL()}, &out, &errOut)
	var objs []map[string]any
	for dec := json.NewDecoder(&out); dec.More(); {
		var m map[string]any
		if err := dec.Decode(&m); err != nil {
			t.Fatalf("stdout is not JSON objects: %v", err)
		}
		objs = append(objs, m)
	}
	if code != 1 || len(objs) != 2 {
		t.Fatalf("exit %d, %d objects; stdout %s stderr %s", code, len(objs), out.String(), errOut.String())
	}
	for _, k := range []string{"port", "imei", "deviceId", "hub", "result", "confirmed", "tls", "stage", "error"} {
		if _, ok := objs[0][k]; !ok {
			t.Fatalf("object lacks %q: %v", k, objs[0])
		}
	}
	if objs[0]["result"] != "online" || objs[0]["confirmed"] != "cloud" || objs[0]["tls"] != "verified" ||
		objs[0]["deviceId"] != "ec600n-866327040000201" || objs[0]["hub"] != "localhost" {
		t.Fatalf("first module %v", objs[0])
	}
	if objs[1]["result"] != "failed" || objs[1]["confirmed"] != "" || objs[1]["tls"] != "" || objs[1]["stage"] != "module" || objs[1]["imei"] != "866327040000202" {
		t.Fatalf("second module %v", objs[1])
	}
	rec, err := os.ReadFile(record)
	if err != nil {
		t.Fatal(err)
	}
	key := hubKey(t, hub, "ec600n-866327040000201")
	policy := hub.PolicyConnectionString("iothubowner")
	policyKey := policy[strings.Index(policy, "SharedAccessKey=")+len("SharedAccessKey="):]
	for _, text := range []string{string(rec), out.String(), errOut.String()} {
		if strings.Contains(text, key) || strings.Contains(text, policyKey) {
			t.Fatal("a key reached the record or the output")
		}
	}
	rows, err := csv.NewReader(bytes.NewReader(rec)).ReadAll()
	if err != nil || len(rows) != 3 {
		t.Fatalf("record: %v\n%s", err, rec)
	}
	col := map[string]int{}
	for i, name := range rows[0] {
		col[name] = i
	}
	online := rows[1] // modules finish in any order
	if online[col["result"]] != "online" {
		online = rows[2]
	}
	if online[col["deviceId"]] != "ec600n-866327040000201" || online[col["result"]] != "online" ||
		online[col["confirmed"]] != "cloud" || online[col["tls"]] != "verified" {
		t.Fatalf("record:\n%s", rec)
	}
}

func hubKey(t *testing.T, hub *hubsim.Server, id string) string {
	t.Helper()
	rec, ok := hub.Device(id)
	if !ok {
		t.Fatalf("device %q not in the hub", id)
	}
	return rec.PrimaryKey
}

// A record file that cannot be written is a bad argument, found before
// the module is touched: nothing reaches the module's port, no device is
// created, and stderr holds one line naming --record.
func TestSetupUnwritableRecordRefusedBeforeModule(t *testing.T) {
	hub, ca := setupHub(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	peer, err := testpeer.Start(ctx, testpeer.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer peer.Close()
	dir := t.TempDir()
	for name, record := range map[string]string{
		"missing folder": filepath.Join(dir, "no", "such", "r.csv"),
		"a folder":       dir + "/.csv",
	} {
		if name == "a folder" {
			if err := os.Mkdir(record, 0o755); err != nil {
				t.Fatal(err)
			}
		}
		t.Setenv(envHubConnectionString, hub.PolicyConnectionString("iothubowner"))
		var out, errOut bytes.Buffer
		code := runCommand(ctx, "setup", []string{"--port", peer.Path(), "--record", record,
			"--server", hub.MQTTAddr(), "--ca", ca, "--rest", hub.HTTPURL()}, &out, &errOut)
		line := strings.TrimSpace(errOut.String())
		if code != 2 || out.Len() != 0 || strings.Contains(line, "\n") || !strings.HasPrefix(line, "qpyhub setup: --record: ") {
			t.Fatalf("%s: exit %d, stdout %q, stderr %q; want 2 and one line about --record", name, code, out.String(), errOut.String())
		}
		if got := peer.Received(); len(got) != 0 {
			t.Fatalf("%s: the module got %d bytes", name, len(got))
		}
		if ids := hub.DeviceIDs(); len(ids) != 0 {
			t.Fatalf("%s: devices created: %v", name, ids)
		}
	}
}
