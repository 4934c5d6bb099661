package app

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	"fyne.io/fyne/v2/lang"

	"qpyhub/cloud/hubsim"
)

// deviceList collects repeated --device flags.
type deviceList []string

func (d *deviceList) String() string     { return strings.Join(*d, ",") }
func (d *deviceList) Set(v string) error { *d = append(*d, v); return nil }

// hubsimFlags are the settings of one "qpyhub hubsim" run.
type hubsimFlags struct {
	cfg     hubsim.Config
	caOut   string
	devices deviceList
}

// runHubsim runs a local IoT Hub and DPS until ctx ends (Ctrl+C).
func runHubsim(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	f, code := parseHubsimFlags(args, stdout, stderr)
	if f == nil {
		return code
	}
	f.cfg.Logger = slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	hub, err := hubsim.New(f.cfg)
	if err != nil {
		fmt.Fprintln(stderr, lang.L("Could not prepare the local hub: {{.Error}}", map[string]any{"Error": err.Error()}))
		return 1
	}
	defer hub.Close()
	for _, id := range f.devices {
		if _, ok := hub.Device(id); ok {
			continue
		}
		if _, err := hub.AddDevice(id); err != nil {
			fmt.Fprintln(stderr, lang.L("Could not register device {{.ID}}: {{.Error}}", map[string]any{"ID": quote(id), "Error": err.Error()}))
			return 1
		}
	}
	if f.caOut != "" {
		if err := os.WriteFile(f.caOut, hub.CAPEM(), 0o644); err != nil {
			fmt.Fprintln(stderr, lang.L("Could not write the CA certificate: {{.Error}}", map[string]any{"Error": err.Error()}))
			return 1
		}
	}
	if err := hub.Start(ctx); err != nil {
		fmt.Fprintln(stderr, lang.L("Could not start the local hub: {{.Error}}", map[string]any{"Error": err.Error()}))
		return 1
	}
	printHubsimBanner(stdout, hub, f.caOut)
	<-ctx.Done()
	fmt.Fprintln(stdout, lang.L("Local hub stopped."))
	return 0
}

func parseHubsimFlags(args []string, stdout, stderr io.Writer) (*hubsimFlags, int) {
	f := &hubsimFlags{}
	fs := flag.NewFlagSet("hubsim", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&f.cfg.MQTTAddr, "listen", "127.0.0.1:8883", lang.L("address of the MQTT over TLS listener"))
	fs.StringVar(&f.cfg.WSAddr, "ws", "127.0.0.1:8443", lang.L("address of the MQTT over WebSockets listener; empty turns it off"))
	fs.StringVar(&f.cfg.HTTPAddr, "http", "127.0.0.1:8080", lang.L("address of the HTTPS REST listener; empty turns it off"))
	fs.StringVar(&f.cfg.RegistryFile, "registry", "", lang.L("JSON file that keeps devices, keys, enrollments and the CA between runs"))
	fs.BoolVar(&f.cfg.NewCA, "new-ca", false, lang.L("replace the CA kept in the registry file with a new one; modules must then get the new CA file"))
	fs.StringVar(&f.caOut, "ca-out", "", lang.L("write the CA certificate (PEM) that clients must trust to this file"))
	fs.StringVar(&f.cfg.HostName, "host", "localhost", lang.L("hub host name used in usernames and tokens"))
	fs.StringVar(&f.cfg.DPSIDScope, "id-scope", "0ne00000001", lang.L("DPS ID scope"))
	fs.Var(&f.devices, "device", lang.L("register this device id if missing (repeatable)"))
	err := fs.Parse(args)
	if errors.Is(err, flag.ErrHelp) {
		printCommandHelp(stdout, fs, "qpyhub hubsim [--listen ADDR] [--ws ADDR] [--http ADDR] [--registry FILE [--new-ca]] [--ca-out FILE] [--host NAME] [--device ID ...]",
			lang.L("Runs a local IoT Hub and DPS for tests and demos until Ctrl+C."),
			lang.L("This is a test hub: it prints its policy key and every device key on purpose, so clients can connect. Never reuse these keys."))
		return nil, 0
	}
	if err != nil {
		fmt.Fprintln(stderr, devFlagLine("hubsim", err))
		return nil, 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintln(stderr, lang.L("{{.Arg}}: hubsim takes no arguments", map[string]any{"Arg": quote(fs.Arg(0))}))
		return nil, 2
	}
	if f.cfg.MQTTAddr == "" {
		fmt.Fprintln(stderr, lang.L("--listen: the MQTT listener needs an address, such as 127.0.0.1:8883"))
		return nil, 2
	}
	return f, 0
}

// printHubsimBanner shows where the hub listens and the credentials to
// reach it; printing keys is the point of a local test hub.
func printHubsimBanner(w io.Writer, hub *hubsim.Server, caOut string) {
	fmt.Fprintln(w, lang.L("Local IoT Hub running (test hub: the keys below are printed on purpose)."))
	fmt.Fprintln(w, lang.L("Host name:"), hub.HostName())
	fmt.Fprintln(w, lang.L("MQTT over TLS:"), "ssl://"+hub.MQTTAddr())
	if u := hub.WSURL(); u != "" {
		fmt.Fprintln(w, lang.L("MQTT over WebSockets:"), u)
	}
	if u := hub.HTTPURL(); u != "" {
		fmt.Fprintln(w, lang.L("REST:"), u)
	}
	fmt.Fprintln(w, lang.L("DPS ID scope:"), hub.DPSIDScope())
	if caOut != "" {
		fmt.Fprintln(w, lang.L("CA certificate:"), caOut)
	}
	fmt.Fprintln(w, lang.L("Policy connection string:"), hub.PolicyConnectionString("iothubowner"))
	for _, id := range hub.DeviceIDs() {
		cs, err := hub.DeviceConnectionString(id)
		if err != nil {
			continue
		}
		fmt.Fprintln(w, lang.L("Device {{.ID}}:", map[string]any{"ID": id}), cs)
	}
	fmt.Fprintln(w, lang.L("Press Ctrl+C to stop."))
}
