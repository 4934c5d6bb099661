package hubsim

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

func TestRegistryFileRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "registry.json")
	first, err := New(Config{RegistryFile: path, Devices: []DeviceRecord{{DeviceID: "from-config"}}})
	if err != nil {
		t.Fatal(err)
	}
	added, err := first.AddDevice("added")
	if err != nil {
		t.Fatal(err)
	}
	if err := first.AddEnrollmentGroup("g1", "", false); err != nil {
		t.Fatal(err)
	}
	owner := first.PolicyConnectionString("iothubowner")

	var onDisk registryFile
	b, err := os.ReadFile(path)
	if err != nil || json.Unmarshal(b, &onDisk) != nil {
		t.Fatalf("registry file: %v %s", err, b)
	}
	if len(onDisk.Devices) != 2 || len(onDisk.Policies) != len(defaultPolicies()) || len(onDisk.EnrollmentGroups) != 1 {
		t.Fatalf("file holds %d devices, %d policies, %d groups", len(onDisk.Devices), len(onDisk.Policies), len(onDisk.EnrollmentGroups))
	}

	second, err := New(Config{RegistryFile: path})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		ok   bool
	}{
		{"device keeps its key", func() bool { d, ok := second.Device("added"); return ok && d.PrimaryKey == added.PrimaryKey }()},
		{"config device kept", func() bool { _, ok := second.Device("from-config"); return ok }()},
		{"policy key kept", second.PolicyConnectionString("iothubowner") == owner},
		{"group kept disabled", func() bool { g := second.reg.allGroups(); return len(g) == 1 && !g[0].Enabled }()},
	}
	for _, tc := range tests {
		if !tc.ok {
			t.Errorf("%s: no", tc.name)
		}
	}
}

func TestRegistryFileRejectsGarbage(t *testing.T) {
	path := filepath.Join(t.TempDir(), "registry.json")
	if err := os.WriteFile(path, []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := New(Config{RegistryFile: path}); err == nil {
		t.Fatal("New accepted a broken registry file")
	}
}
