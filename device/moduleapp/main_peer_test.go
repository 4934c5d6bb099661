//go:build linux

package moduleapp

import (
	"context"
	"strings"
	"testing"

	"qpyhub/assets"
	"qpyhub/device/repl"
	"qpyhub/device/testpeer"
)

// main.py starts the program on a soft reset, as at power-up, with the
// peer's own QuecPython stand-ins. Nothing listens on the configured
// port, so it gets as far as the MQTT connection.
func TestMainStartsProgramAtBoot(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	cfg, err := Config{DeviceID: testID, Host: "127.0.0.1", Port: 1, Auth: AuthKey, Key: testKey}.JSON()
	if err != nil {
		t.Fatal(err)
	}
	p, err := testpeer.Start(ctx, testpeer.Options{Files: map[string][]byte{
		"main.py":            assets.ModuleMain(),
		"qpyhub.py":          assets.ModuleLibrary(),
		"qpyhub_app.py":      assets.ModuleProgram(),
		"qpyhub_config.json": cfg,
	}})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	s, err := repl.Open(ctx, p.Path(), repl.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.SoftReset(ctx); err != nil {
		t.Fatal(err)
	}
	out, err := s.Follow(ctx, "QPYHUB mqtt fail")
	if err != nil {
		t.Fatalf("%v; the module printed:\n%s", err, out)
	}
	var got []string
	for _, line := range strings.Split(out, "\n") {
		if st, ok := ParseStatusLine(line); ok {
			got = append(got, st.Stage+" "+st.State)
		}
	}
	want := []string{"config ok", "network ok", "time ok", "sas ok", "mqtt fail"}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("status lines %q, want %q; output:\n%s", got, want, out)
	}
	if strings.Contains(out, "Traceback") || strings.Contains(out, testKey) {
		t.Errorf("boot output:\n%s", out)
	}
}
