package hubsim

import (
	"bytes"
	"crypto/tls"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A hub restarted on the same registry file serves the same CA, so a
// client that trusted the first run (a module holding its CA) connects to
// the second; the key lives in the private registry file.
func TestRestartKeepsTheCA(t *testing.T) {
	path := filepath.Join(t.TempDir(), "registry.json")
	first := startHub(t, Config{RegistryFile: path, Devices: []DeviceRecord{{DeviceID: "dev1"}}})
	oldCA := clientTLS(t, first)
	oldPEM := first.CAPEM()
	first.Close()

	second := startHub(t, Config{RegistryFile: path})
	if !bytes.Equal(second.CAPEM(), oldPEM) {
		t.Fatal("the restarted hub made a new CA")
	}
	c, err := tls.Dial("tcp", second.MQTTAddr(), oldCA)
	if err != nil {
		t.Fatalf("a client holding the old CA cannot reach the restarted hub: %v", err)
	}
	c.Close()
	info, err := os.Stat(path)
	if err != nil || info.Mode().Perm()&0o077 != 0 {
		t.Fatalf("registry file holding the CA key: %v (mode %v); it must be private", err, info)
	}
	b, _ := os.ReadFile(path)
	if !strings.Contains(string(b), "PRIVATE KEY") {
		t.Fatal("the registry file holds no CA key")
	}
}

func TestNewCAOnRequest(t *testing.T) {
	path := filepath.Join(t.TempDir(), "registry.json")
	first, err := New(Config{RegistryFile: path})
	if err != nil {
		t.Fatal(err)
	}
	renewed, err := New(Config{RegistryFile: path, NewCA: true})
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(first.CAPEM(), renewed.CAPEM()) {
		t.Fatal("NewCA kept the old CA")
	}
	after, err := New(Config{RegistryFile: path})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(after.CAPEM(), renewed.CAPEM()) {
		t.Fatal("the CA made on request was not kept")
	}
}

func TestMemoryOnlyHubsMakeTheirOwnCA(t *testing.T) {
	a, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(a.CAPEM(), b.CAPEM()) {
		t.Fatal("two memory-only hubs share a CA")
	}
}

func TestRegistryWithABrokenCAIsRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "registry.json")
	broken := `{"devices":[],"policies":[],"ca":{"certificate":"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n","privateKey":"x"}}`
	if err := os.WriteFile(path, []byte(broken), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := New(Config{RegistryFile: path})
	if err == nil || !strings.Contains(err.Error(), "new CA") {
		t.Fatalf("New with a broken CA: %v; want an error pointing at a new CA", err)
	}
	if _, err := New(Config{RegistryFile: path, NewCA: true}); err != nil {
		t.Fatalf("NewCA does not replace a broken CA: %v", err)
	}
}
