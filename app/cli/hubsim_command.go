package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"fyne.io/fyne/v2/lang"

	"qpyhub/cloud"
	"qpyhub/cloud/hubsim"
)

// deviceList collects repeated --device flags.
type deviceList []string

func (d *deviceList) String() string     { return strings.Join(*d, ",") }
func (d *deviceList) Set(v string) error { *d = append(*d, v); return nil }

// hubsimSettings are the settings of one "qpyhub hubsim" run.
type hubsimSettings struct {
	cfg     hubsim.Config
	caOut   string
	devices deviceList
}

// hubsimFlags registers the flags of "qpyhub hubsim": it runs a local IoT
// Hub and DPS until ctx ends (Ctrl+C).
func hubsimFlags(fs *flag.FlagSet) runFunc {
	f := &hubsimSettings{}
	fs.StringVar(&f.cfg.MQTTAddr, "listen", "127.0.0.1:8883", lang.L("address of the MQTT over TLS listener"))
	fs.StringVar(&f.cfg.WSAddr, "ws", "127.0.0.1:8443", lang.L("address of the MQTT over WebSockets listener; empty turns it off"))
	fs.StringVar(&f.cfg.HTTPAddr, "http", "127.0.0.1:8080", lang.L("address of the HTTPS REST listener; empty turns it off"))
	fs.StringVar(&f.cfg.RegistryFile, "registry", "", lang.L("JSON file that keeps devices, keys, enrollments and the CA between runs"))
	fs.BoolVar(&f.cfg.NewCA, "new-ca", false, lang.L("replace the CA kept in the registry file with a new one; modules must then get the new CA file"))
	fs.StringVar(&f.caOut, "ca-out", "", lang.L("write the CA certificate (PEM) that clients must trust to this file"))
	fs.StringVar(&f.cfg.HostName, "host", "localhost", lang.L("hub host name used in usernames and tokens"))
	fs.StringVar(&f.cfg.DPSIDScope, "id-scope", "0ne00000001", lang.L("DPS ID scope"))
	fs.DurationVar(&f.cfg.TokenGrace, "token-grace", hubsim.DefaultTokenGrace, lang.L("how long past its expiry a connected device's token is honoured before the hub drops it; 0s for none (IoT Hub: 5m)"))
	fs.Var(&f.devices, "device", lang.L("register this device id if missing (repeatable)"))
	return func(ctx context.Context, c *call, _ []string) error {
		if err := f.check(); err != nil {
			return err
		}
		return f.serve(ctx, c)
	}
}

// serve prepares the hub, starts it and serves until ctx ends.
func (f *hubsimSettings) serve(ctx context.Context, c *call) error {
	if warning := exposedWarning(f.cfg); warning != "" {
		c.note(warning)
	}
	f.cfg.Logger = slog.New(slog.NewTextHandler(c.stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	hub, err := hubsim.New(f.cfg)
	if err != nil {
		return failed(lang.L("Could not prepare the local hub"), err)
	}
	defer hub.Close()
	for _, id := range f.devices {
		if _, ok := hub.Device(id); ok {
			continue
		}
		if _, err := hub.AddDevice(id); err != nil {
			return failed(lang.L("Could not register device {{.ID}}", map[string]any{"ID": quote(id)}), err)
		}
	}
	if f.caOut != "" {
		if err := os.WriteFile(f.caOut, hub.CAPEM(), 0o644); err != nil {
			return failed(lang.L("Could not write the CA certificate"), err)
		}
	}
	if err := hub.Start(ctx); err != nil {
		return failed(lang.L("Could not start the local hub"), err)
	}
	printHubsimBanner(c.stdout, hub, f.caOut)
	<-ctx.Done()
	fmt.Fprintln(c.stdout, lang.L("Local hub stopped."))
	return nil
}

// check validates every value before anything starts, so a bad one is a
// bad argument (exit 2), not a failed run.
func (f *hubsimSettings) check() error {
	if f.cfg.MQTTAddr == "" {
		return badArg("--listen", lang.L("the MQTT listener needs an address, such as 127.0.0.1:8883"))
	}
	for _, a := range []struct{ flag, addr string }{{"--listen", f.cfg.MQTTAddr}, {"--ws", f.cfg.WSAddr}, {"--http", f.cfg.HTTPAddr}} {
		if why := listenAddrProblem(a.addr); why != "" {
			return badArg(a.flag, why)
		}
	}
	if f.cfg.TokenGrace < 0 {
		return badArg("--token-grace", lang.L("must not be negative; 0s means none"))
	}
	if err := cloud.ValidateHostName("--host", f.cfg.HostName); err != nil {
		return badArg("--host", quote(f.cfg.HostName)+" "+fieldReason(err))
	}
	if !isIDScope(f.cfg.DPSIDScope) {
		return badArg("--id-scope", lang.L("{{.Value}} is not an ID scope: letters and digits, such as 0ne00000001", map[string]any{"Value": quote(f.cfg.DPSIDScope)}))
	}
	for _, id := range f.devices {
		if err := cloud.ValidateDeviceID("--device", id); err != nil {
			return badArg("--device", quote(id)+" "+fieldReason(err))
		}
	}
	for _, p := range []struct{ flag, path string }{{"--registry", f.cfg.RegistryFile}, {"--ca-out", f.caOut}} {
		if p.path == "" {
			continue
		}
		if dir := filepath.Dir(p.path); !isDir(dir) {
			return badArg(p.flag, lang.L("the folder {{.Dir}} does not exist", map[string]any{"Dir": quote(dir)}))
		}
	}
	return nil
}

// listenAddrProblem says what is wrong with a listen address, or "" when
// it can be used ("" itself turns a listener off).
func listenAddrProblem(addr string) string {
	if addr == "" {
		return ""
	}
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		return lang.L("{{.Value}} is not host:port, such as 127.0.0.1:8883", map[string]any{"Value": quote(addr)})
	}
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		return lang.L("port {{.Port}} is not a number from 0 to 65535", map[string]any{"Port": quote(port)})
	}
	return ""
}

// fieldReason is a cloud.FieldError's reason in the user's language.
func fieldReason(err error) string {
	var fe *cloud.FieldError
	if errors.As(err, &fe) {
		return lang.L(fe.Reason)
	}
	return err.Error()
}

// isIDScope accepts what a DPS ID scope is made of; it is a path segment
// of every registration username.
func isIDScope(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

func isDir(path string) bool {
	info, err := os.Stat(path)
	return err == nil && info.IsDir()
}

// exposedWarning tells, loudly, when a listener is reachable beyond this
// computer: the hub prints its keys, and anyone who can reach it can use
// them. It is "" when every listener is on loopback.
func exposedWarning(cfg hubsim.Config) string {
	var exposed []string
	for _, a := range []struct{ flag, addr string }{{"--listen", cfg.MQTTAddr}, {"--ws", cfg.WSAddr}, {"--http", cfg.HTTPAddr}} {
		if a.addr != "" && !isLoopbackAddr(a.addr) {
			exposed = append(exposed, a.flag+" "+a.addr)
		}
	}
	if len(exposed) == 0 {
		return ""
	}
	return lang.L("WARNING: {{.Listeners}} listens beyond this computer. Anyone on the network can reach this test hub, and the keys it prints let them act as its devices and its owner. Use 127.0.0.1 unless you mean it.",
		map[string]any{"Listeners": strings.Join(exposed, ", ")})
}

// isLoopbackAddr reports whether host:port only accepts connections from
// this computer.
func isLoopbackAddr(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
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
