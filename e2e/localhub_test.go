package e2e

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"qpyhub/cloud/hubsim"
)

// setupHub is a local hub with its registry's REST API on loopback, and
// the path of a file holding its CA, as the binary's --ca flag wants.
func setupHub(t *testing.T) (*hubsim.Server, string) {
	t.Helper()
	hub, err := hubsim.New(hubsim.Config{MQTTAddr: "127.0.0.1:0", HTTPAddr: "127.0.0.1:0"})
	if err == nil {
		err = hub.Start(context.Background())
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { hub.Close() })
	ca := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(ca, hub.CAPEM(), 0o600); err != nil {
		t.Fatal(err)
	}
	return hub, ca
}
