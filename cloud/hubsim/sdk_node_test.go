package hubsim

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// nodeDirEnv overrides where the Node test dependencies are installed,
// as it does for the MicroPython peer.
const nodeDirEnv = "QPYHUB_TESTPEER_NODE_DIR"

// sdkNodeDir finds the npm install that holds azure-iothub, or fails
// with the command that installs it.
func sdkNodeDir(t *testing.T) (node, dir string) {
	t.Helper()
	dir, err := filepath.Abs(filepath.Join("..", "..", "device", "testpeer", "node"))
	if err != nil {
		t.Fatal(err)
	}
	if env := os.Getenv(nodeDirEnv); env != "" {
		dir = env
	}
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "azure-iothub", "package.json")); err != nil {
		t.Fatalf("azure-iothub is not installed in %s: run `npm ci --prefix device/testpeer/node`", dir)
	}
	node, err = exec.LookPath("node")
	if err != nil {
		t.Fatal("node is not on PATH; install Node.js 20 or newer")
	}
	return node, dir
}

// TestServiceSDKAgainstLocalHub runs Microsoft's Node service SDK against
// the hub: a query paged by continuation, a twin update job and a method
// job, each read back with getJob.
func TestServiceSDKAgainstLocalHub(t *testing.T) {
	node, dir := sdkNodeDir(t)
	s, fleet := startFleet(t)
	for _, id := range []string{"dev-001", "dev-002"} {
		answerMethods(t, connect(t, s, deviceLogin(t, s, id)), "200")
	}
	caFile := filepath.Join(t.TempDir(), "hub-ca.pem")
	if err := os.WriteFile(caFile, s.CAPEM(), 0o600); err != nil {
		t.Fatal(err)
	}
	_, port, err := net.SplitHostPort(s.HTTPURL()[len("https://"):])
	if err != nil {
		t.Fatalf("HTTPURL %s: %v", s.HTTPURL(), err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*waitLimit)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, filepath.Join("testdata", "iothub_sdk.cjs"))
	cmd.Env = append(os.Environ(),
		"NODE_EXTRA_CA_CERTS="+caFile,
		"QPYHUB_NODE_DIR="+dir,
		"HUB_CONNECTION_STRING="+s.PolicyConnectionString("iothubowner"),
		"HUB_PORT="+port)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("SDK script: %v\n%s", err, stderr.String())
	}
	var got struct {
		Query struct {
			IDs   []string `json:"ids"`
			Pages int      `json:"pages"`
		} `json:"query"`
		TwinJob, MethodJob struct {
			Status string        `json:"status"`
			Type   string        `json:"type"`
			Stats  JobStatistics `json:"stats"`
		}
		Desired string `json:"desired"`
	}
	if err := json.Unmarshal(stdout.Bytes(), &got); err != nil {
		t.Fatalf("SDK script output %q: %v", stdout.String(), err)
	}
	var siteA []string
	for _, d := range fleet {
		if d.site == "a" {
			siteA = append(siteA, d.id)
		}
	}
	if fmt.Sprint(got.Query.IDs) != fmt.Sprint(siteA) || got.Query.Pages != (len(siteA)+6)/7 {
		t.Errorf("SDK query: %d ids in %d pages, want %d in %d", len(got.Query.IDs), got.Query.Pages, len(siteA), (len(siteA)+6)/7)
	}
	wantTwin := JobStatistics{DeviceCount: len(siteA), SucceededCount: len(siteA)}
	if got.TwinJob.Status != JobCompleted || got.TwinJob.Type != JobUpdateTwin || got.TwinJob.Stats != wantTwin {
		t.Errorf("SDK twin job %+v, want completed %+v", got.TwinJob, wantTwin)
	}
	wantMethod := JobStatistics{DeviceCount: 2, SucceededCount: 2}
	if got.MethodJob.Status != JobCompleted || got.MethodJob.Type != JobDeviceMethod || got.MethodJob.Stats != wantMethod {
		t.Errorf("SDK method job %+v, want completed %+v", got.MethodJob, wantMethod)
	}
	if got.Desired != "yes" {
		t.Errorf("dev-000 desired.sdk = %q after the job, want yes", got.Desired)
	}
}
