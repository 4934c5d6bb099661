package cli

import (
	"bufio"
	"bytes"
	"context"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"qpyhub/cloud"
	"qpyhub/cloud/hubclient"
	"qpyhub/cloud/hubsim"
	"qpyhub/cloud/registry"
)

// fleetHub is a local hub with REST, n devices "t000"… tagged
// {"even": true|false}, and the flags that reach it.
type fleetHub struct {
	hub   *hubsim.Server
	flags []string // --ca, --rest; the policy comes from the environment
}

func startFleetHub(t *testing.T, n int) fleetHub {
	t.Helper()
	hub, err := hubsim.New(hubsim.Config{HostName: "localhost", MQTTAddr: "127.0.0.1:0", HTTPAddr: "127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	if err := hub.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = hub.Close() })
	caFile := filepath.Join(t.TempDir(), "hub-ca.pem")
	if err := os.WriteFile(caFile, hub.CAPEM(), 0o600); err != nil {
		t.Fatal(err)
	}
	cs := hub.PolicyConnectionString("iothubowner")
	t.Setenv(envHubConnectionString, cs)
	rc, err := registry.New(cs, registry.Options{BaseURL: hub.HTTPURL(), RootCAs: hubPool(t, hub)})
	if err != nil {
		t.Fatal(err)
	}
	for i := range n {
		id := fmt.Sprintf("t%03d", i)
		if _, err := hub.AddDevice(id); err != nil {
			t.Fatal(err)
		}
		if _, err := rc.UpdateTwin(devicesCtx(t), id, nil, map[string]any{"even": i%2 == 0}); err != nil {
			t.Fatal(err)
		}
	}
	return fleetHub{hub: hub, flags: []string{"--ca", caFile, "--rest", hub.HTTPURL()}}
}

func hubPool(t *testing.T, hub *hubsim.Server) *x509.CertPool {
	t.Helper()
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(hub.CAPEM()) {
		t.Fatal("hub CA is not PEM")
	}
	return pool
}

func devicesCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// onlineModule connects a device the way the module program does: it
// reports its facts under "qpyhub" and answers every method with 200.
func onlineModule(t *testing.T, hub *hubsim.Server, id string, facts string) {
	t.Helper()
	rec, _ := hub.Device(id)
	s, err := hubclient.New(hubclient.Config{Identity: cloud.DeviceIdentity{Host: hub.HostName(), DeviceID: id, Key: rec.PrimaryKey},
		ServerAddr: hub.MQTTAddr(), RootCAs: hubPool(t, hub)})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(func() { cancel(); s.Close() })
	if err := s.Connect(devicesCtx(t)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.PatchReported(devicesCtx(t), json.RawMessage(`{"qpyhub":`+facts+`}`)); err != nil {
		t.Fatal(err)
	}
	go func() {
		for {
			select {
			case ev := <-s.Events():
				if call, ok := ev.(*hubclient.MethodCall); ok {
					_ = s.AnswerMethod(ctx, call.RID, 200, json.RawMessage(`{"pong":`+string(call.Payload)+`}`))
				}
			case <-ctx.Done():
				return
			}
		}
	}()
}

// runDevices runs "qpyhub devices ACTION <hub flags> args…"; flags in args win.
func runDevices(t *testing.T, fh fleetHub, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = runCommand(devicesCtx(t), "devices", append(append([]string{args[0]}, fh.flags...), args[1:]...), &out, &errOut)
	return code, out.String(), errOut.String()
}

// jsonObjects reads one JSON object per line.
func jsonObjects(t *testing.T, s string) []map[string]any {
	t.Helper()
	var out []map[string]any
	sc := bufio.NewScanner(strings.NewReader(s))
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("line is not a JSON object: %q", sc.Text())
		}
		out = append(out, m)
	}
	return out
}

func TestDevicesListPagesAndFilters(t *testing.T) {
	fh := startFleetHub(t, 250)
	onlineModule(t, fh.hub, "t004", `{"model":"EC600N","imei":"861234","iccid":"8986","firmware":"V1.2","heartbeat":60}`)
	code, stdout, stderr := runDevices(t, fh, "list", "--json", "--query", "WHERE tags.even = true")
	if code != 0 || stderr != "" {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	rows := jsonObjects(t, stdout)
	if len(rows) != 125 || rows[0]["deviceId"] != "t000" || rows[124]["deviceId"] != "t248" {
		t.Fatalf("%d rows, want the 125 even devices in order", len(rows))
	}
	m := rows[2]
	if m["deviceId"] != "t004" || m["model"] != "EC600N" || m["imei"] != "861234" || m["firmware"] != "V1.2" ||
		m["heartbeat"] != 60.0 || m["connectionState"] != "Connected" || m["status"] != "enabled" {
		t.Errorf("t004 row %v", m)
	}
	for _, key := range []string{"lastActivityTime", "iccid", "appVersion", "ota"} {
		if _, ok := m[key]; !ok {
			t.Errorf("row lacks %q", key)
		}
	}
	code, stdout, _ = runDevices(t, fh, "list")
	if lines := strings.Count(stdout, "\n"); code != 0 || lines != 251 || !strings.Contains(stdout, "EC600N") {
		t.Errorf("table: exit %d, %d lines, want a header and 250 rows", code, lines)
	}
}

func TestDevicesShow(t *testing.T) {
	fh := startFleetHub(t, 1)
	code, stdout, stderr := runDevices(t, fh, "show", "t000")
	if code != 0 || !strings.Contains(stdout, `"even": true`) || !strings.Contains(stdout, "t000") {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	code, _, stderr = runDevices(t, fh, "show", "ghost")
	if code != 1 || !strings.HasPrefix(stderr, "qpyhub devices: ") || strings.Count(stderr, "\n") != 1 {
		t.Fatalf("unknown device: exit %d, stderr %q", code, stderr)
	}
}

func TestDevicesSetOneByOneAndByQuery(t *testing.T) {
	fh := startFleetHub(t, 210)
	code, stdout, stderr := runDevices(t, fh, "set", "t001", "t003", "--desired", `{"mode":"eco"}`, "--tags", `{"site":"lab"}`)
	if code != 0 || strings.Count(stdout, "\n") != 2 || stderr != "" {
		t.Fatalf("by ids: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	code, stdout, stderr = runDevices(t, fh, "set", "--query", "tags.even = true", "--desired", `{"mode":"night"}`)
	if code != 0 || !strings.Contains(stdout, "completed, 105 of 105 devices done (105 succeeded, 0 failed") {
		t.Fatalf("by query: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	for id, want := range map[string]string{"t001": "eco", "t003": "eco", "t000": "night", "t208": "night"} {
		doc, err := fh.hub.Twin(id)
		if err != nil {
			t.Fatal(err)
		}
		var tw registry.Twin
		_ = json.Unmarshal(doc, &tw)
		if tw.Properties.Desired["mode"] != want {
			t.Errorf("%s desired.mode = %v, want %s", id, tw.Properties.Desired["mode"], want)
		}
	}
}

func TestDevicesInvoke(t *testing.T) {
	fh := startFleetHub(t, 3)
	onlineModule(t, fh.hub, "t000", `{"model":"EC600N"}`)
	onlineModule(t, fh.hub, "t002", `{"model":"EC600N"}`)
	code, stdout, stderr := runDevices(t, fh, "invoke", "t000", "t001", "ping", "--payload", `{"n":1}`, "--json")
	rows := jsonObjects(t, stdout)
	if code != 1 || len(rows) != 2 || stderr != "" {
		t.Fatalf("exit %d, stdout %q, stderr %q; want 1 and one line per device", code, stdout, stderr)
	}
	if rows[0]["status"] != 200.0 || fmt.Sprint(rows[0]["payload"]) != "map[pong:map[n:1]]" {
		t.Errorf("t000 answer %v", rows[0])
	}
	if rows[1]["deviceId"] != "t001" || !strings.Contains(fmt.Sprint(rows[1]["error"]), "not connected") {
		t.Errorf("t001 answer %v, want the offline device's error", rows[1])
	}
	code, stdout, stderr = runDevices(t, fh, "invoke", "--query", "tags.even = true", "ping", "--timeout", "5s")
	if code != 0 || !strings.Contains(stdout, "completed, 2 of 2 devices done (2 succeeded") {
		t.Fatalf("method job: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
}

func TestDevicesStatusAndDelete(t *testing.T) {
	fh := startFleetHub(t, 2)
	if code, stdout, stderr := runDevices(t, fh, "disable", "t000", "t001"); code != 0 || strings.Count(stdout, "disabled") != 2 {
		t.Fatalf("disable: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	if rec, _ := fh.hub.Device("t001"); rec.Status != hubsim.StatusDisabled {
		t.Fatalf("t001 is %s", rec.Status)
	}
	if code, _, _ := runDevices(t, fh, "enable", "t001"); code != 0 {
		t.Fatal("enable failed")
	}
	code, stdout, stderr := runDevices(t, fh, "delete", "t000", "ghost")
	if code != 1 || !strings.Contains(stdout, "t000: deleted") || !strings.HasPrefix(stderr, "qpyhub devices: ghost: ") {
		t.Fatalf("delete: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	if _, ok := fh.hub.Device("t000"); ok {
		t.Error("t000 is still registered")
	}
}

func TestDevicesBadArguments(t *testing.T) {
	fh := startFleetHub(t, 1)
	tests := []struct {
		args  []string
		names string
	}{
		{[]string{"list", "--query", "tags.x = "}, "--query"},
		{[]string{"set", "t000", "--query", "tags.x = 1", "--desired", "{}"}, "--query"},
		{[]string{"set", "--desired", "{}"}, "ID"},
		{[]string{"set", "t000"}, "--desired"},
		{[]string{"invoke", "t000", "ping", "--timeout", "1s"}, "--timeout"},
		{[]string{"invoke", "t000", "ping", "--payload", "{"}, "--payload"},
		{[]string{"list", "--rest", "http://x"}, "--rest"},
	}
	for _, tc := range tests {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			code, stdout, stderr := runDevices(t, fh, tc.args...)
			if code != 2 || stdout != "" || !strings.HasPrefix(stderr, "qpyhub devices: "+tc.names+": ") || strings.Count(stderr, "\n") != 1 {
				t.Fatalf("exit %d, stdout %q, stderr %q; want 2 and one line naming %s", code, stdout, stderr, tc.names)
			}
		})
	}
	t.Setenv(envHubConnectionString, "")
	if code, _, stderr := runDevices(t, fh, "list"); code != 2 || !strings.HasPrefix(stderr, "qpyhub devices: --hub-connection-string: ") {
		t.Fatalf("no connection string: exit %d, stderr %q", code, stderr)
	}
}
