package cli

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"

	"qpyhub/app/provision"
	"qpyhub/assets"
	"qpyhub/device/ports"
)

func TestSetupBadArguments(t *testing.T) {
	const device = "HostName=h.azure-devices.net;DeviceId=d1;SharedAccessKey=c2VjcmV0LWtleS1vZi1kZXYx"
	const policy = "HostName=h.azure-devices.net;SharedAccessKeyName=iothubowner;SharedAccessKey=cG9saWN5LWtleS1vZi1odWIx"
	tests := []struct {
		name string
		args []string
		flag string
	}{
		{"no port", []string{"--connection-string", device}, "--port"},
		{"no identity", []string{"--port", "/dev/x"}, "--connection-string"},
		{"two identities", []string{"--port", "/dev/x", "--connection-string", device, "--dps"}, "--connection-string"},
		{"one device two ports", []string{"--port", "/dev/x,/dev/y", "--connection-string", device}, "--connection-string"},
		{"bad ttl", []string{"--port", "/dev/x", "--connection-string", device, "--token-ttl", "soon"}, "--token-ttl"},
		{"bad record", []string{"--port", "/dev/x", "--connection-string", device, "--record", "out.txt"}, "--record"},
		{"bad template", []string{"--port", "/dev/x", "--hub-connection-string", policy, "--device-id-template", "{sn}"}, "--device-id-template"},
		{"dps without scope", []string{"--port", "/dev/x", "--dps", "--group-key", "c2VjcmV0"}, "--id-scope"},
		{"missing ca file", []string{"--port", "/dev/x", "--connection-string", device, "--ca", "/nonexistent/ca.pem"}, "--ca"},
		{"stray argument", []string{"--port", "/dev/x", "extra"}, "extra"},
		{"socks proxy", []string{"--port", "/dev/x", "--connection-string", device, "--proxy", "socks5://proxy.corp:1080"}, "--proxy"},
		{"two proxies", []string{"--port", "/dev/x", "--connection-string", device, "--proxy", "http://proxy.corp:3128", "--proxy-from-env"}, "--proxy"},
		{"keep-main with restore", []string{"--port", "/dev/x", "--keep-main", "--restore"}, "--keep-main"},
		{"keep-main not a switch value", []string{"--port", "/dev/x", "--connection-string", device, "--keep-main=sometimes"}, "--keep-main"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			code := runCommand(context.Background(), "setup", tc.args, &out, &errOut)
			line := strings.TrimSpace(errOut.String())
			if code != 2 || out.Len() != 0 || line == "" || strings.Contains(line, "\n") || !strings.Contains(line, tc.flag) {
				t.Fatalf("exit %d, stdout %q, stderr %q; want 2 and one line naming %s", code, out.String(), errOut.String(), tc.flag)
			}
			for _, secret := range []string{"c2VjcmV0LWtleS1vZi1kZXYx", "cG9saWN5LWtleS1vZi1odWIx"} {
				if strings.Contains(line, secret) {
					t.Fatal("a key reached stderr")
				}
			}
		})
	}
}

func TestSetupAllQuectelPicksQuectelREPLPorts(t *testing.T) {
	list := []ports.Port{
		{Name: "/dev/ttyUSB0", IsQuectel: true, Role: ports.RoleAT, Location: "1-1"},
		{Name: "/dev/ttyUSB2", IsQuectel: true, Role: ports.RoleREPL, Location: "1-1"},
		{Name: "/dev/ttyUSB7", IsQuectel: true, Role: ports.RoleREPL, Location: "1-2"},
		{Name: "/dev/ttyACM0", Role: ports.RoleREPL, Location: "2-1"},
	}
	setupWith := func(list func() ([]ports.Port, error)) setupCommand {
		w := testWorld(&bytes.Buffer{}, &bytes.Buffer{})
		w.listPorts = list
		return setupCommand{&call{name: "setup", world: w}}
	}
	f := &setupSettings{allQuectel: true}
	if err := setupWith(func() ([]ports.Port, error) { return list, nil }).resolvePorts(f); err != nil || strings.Join(f.ports, " ") != "/dev/ttyUSB2 /dev/ttyUSB7" {
		t.Fatalf("error %v, ports %v", err, f.ports)
	}

	var bad *usageError
	err := setupWith(func() ([]ports.Port, error) { return list[3:], nil }).resolvePorts(&setupSettings{allQuectel: true})
	if err == nil || errors.As(err, &bad) || !strings.Contains(failureLine(err), "--port") {
		t.Fatalf("no Quectel module: error %v, want a failure naming --port", err)
	}
	err = setupWith(func() ([]ports.Port, error) { return nil, errors.New("no sysfs") }).resolvePorts(&setupSettings{allQuectel: true})
	if err == nil || errors.As(err, &bad) || !strings.Contains(failureLine(err), "no sysfs") {
		t.Fatalf("listing failed: error %v, want a failure with the cause", err)
	}
}

func TestSetupFlagNamesEveryPlanField(t *testing.T) {
	for field, flag := range map[string]string{"connection string": "--connection-string", "hub connection string": "--hub-connection-string",
		"device id template": "--device-id-template", "ID scope": "--id-scope", "group key": "--group-key",
		"registration id template": "--registration-id-template", "token lifetime": "--token-ttl", "record file": "--record",
		"check connection string": "--check-connection-string", "port": "--port", "identity": "--connection-string"} {
		if got := setupFlagOf(field); got != flag {
			t.Errorf("setupFlagOf(%q) = %q, want %q", field, got, flag)
		}
	}
}

func TestSetupPhrasesTranslated(t *testing.T) {
	bundles := textsOfEveryLanguage(t)
	keys := append(provision.Phrases(), provision.Stages()...)
	keys = append(keys, provision.StateRunning, provision.StateOK, provision.StateFailed)
	for _, k := range keys {
		for _, l := range assets.Languages() {
			if _, ok := bundles[l][k]; !ok {
				t.Errorf("%s: %q is not translated", l, k)
			}
		}
	}
}

// setup --help goes to stdout and describes every field of a result
// (--json) and of a record line, in both languages.
func TestSetupHelpDescribesEveryField(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := runCommand(context.Background(), "setup", []string{"--help"}, &out, &errOut); code != 0 || errOut.Len() != 0 {
		t.Fatalf("exit %d, stderr %q", code, errOut.String())
	}
	described := map[string]bool{}
	for _, f := range setupFields {
		for _, name := range strings.Split(f.name, ", ") {
			described[name] = true
		}
	}
	for _, name := range setupResultFieldNames() {
		if !described[name] {
			t.Errorf("%q is not described", name)
		}
		if !strings.Contains(out.String(), name) {
			t.Errorf("--help does not name %q", name)
		}
	}
	bundles := textsOfEveryLanguage(t)
	for _, f := range setupFields {
		for _, l := range assets.Languages() {
			if _, ok := bundles[l][f.about]; !ok {
				t.Errorf("%s: %q is not translated", l, f.about)
			}
		}
	}
}

// setupResultFieldNames are the JSON keys of a Result and of a Record.
func setupResultFieldNames() []string {
	var names []string
	for _, v := range []any{provision.Result{}, provision.Record{}} {
		rt := reflect.TypeOf(v)
		for i := range rt.NumField() {
			name, _, _ := strings.Cut(rt.Field(i).Tag.Get("json"), ",")
			if !slices.Contains(names, name) {
				names = append(names, name)
			}
		}
	}
	return names
}

// README's table of setup results names every field a result or a
// record line has, and no other.
func TestReadmeSetupFieldTable(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, table, ok := strings.Cut(string(readme), "### Setup results")
	if !ok {
		t.Fatal("README has no \"### Setup results\" section")
	}
	var inTable []string
	started := false
	for _, line := range strings.Split(table, "\n") {
		if started && !strings.HasPrefix(line, "|") {
			break // the end of the table
		}
		started = started || strings.HasPrefix(line, "|")
		if !strings.HasPrefix(line, "| `") {
			continue
		}
		cell := strings.Split(line, "|")[1]
		for _, name := range strings.Split(cell, ",") {
			inTable = append(inTable, strings.Trim(strings.TrimSpace(name), "`"))
		}
	}
	want := setupResultFieldNames()
	slices.Sort(want)
	slices.Sort(inTable)
	if !slices.Equal(want, inTable) {
		t.Fatalf("README's table names %v, the results have %v", inTable, want)
	}
}

// The summary says who confirmed each online module and how its TLS
// went, with the sentences the Setup screen shows.
func TestSetupSummaryShowsConfirmedAndTLS(t *testing.T) {
	var out bytes.Buffer
	setupCommand{&call{name: "setup", world: testWorld(&out, io.Discard)}}.printSummary([]provision.Result{
		{Port: "COM5", DeviceID: "d1", Hub: "h", Result: provision.ResultOnline, Confirmed: provision.ConfirmedCloud,
			Confirmation: provision.ConfirmTwin, TLS: provision.TLSVerified},
		{Port: "COM6", DeviceID: "d2", Hub: "h", Result: provision.ResultOnline, Confirmed: provision.ConfirmedModule,
			TLS: provision.TLSUnverified, TLSReason: "firmware ussl takes no CA", Runs: provision.RunsOwnMain},
		{Port: "COM7", Result: provision.ResultFailed, Stage: provision.StageWrite, Error: provision.PhraseMainIsLauncher, Runs: provision.RunsOwnMain},
	})
	text := out.String()
	if strings.Count(text, provision.NoteRunsOwnMain) != 2 || strings.Contains(text, provision.NoteRunsCheckProgram) {
		t.Errorf("the summary says what the modules run wrongly:\n%s", text)
	}
	for _, want := range []string{"COM5: online, device d1 on h", "confirmed by the hub: " + provision.ConfirmTwin, provision.NoteTLSVerified,
		"COM6: online, device d2 on h", provision.NoteConfirmedByModule, provision.NoteTLSUnverified + " (firmware ussl takes no CA)",
		"  " + provision.NoteRunsOwnMain, "2 of 3 modules online"} {
		if !strings.Contains(text, want) {
			t.Errorf("the summary lacks %q:\n%s", want, text)
		}
	}
}

// textsOfEveryLanguage reads the translations, one map per language.
func textsOfEveryLanguage(t *testing.T) map[string]map[string]string {
	t.Helper()
	out := map[string]map[string]string{}
	for _, l := range assets.Languages() {
		m, err := assets.Texts(l)
		if err != nil {
			t.Fatal(err)
		}
		out[l] = m
	}
	return out
}
