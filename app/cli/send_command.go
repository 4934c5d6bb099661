package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"fyne.io/fyne/v2/lang"

	"qpyhub/cloud/hubclient"
)

// runSend connects as the device, sends one telemetry message and exits 0
// once the hub acknowledged it.
func runSend(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("send", flag.ContinueOnError)
	var conn hubConnFlags
	conn.register(fs)
	propsFlag := fs.String("properties", "", lang.L("application properties: key=value,key2=value2"))
	contentType := fs.String("content-type", "", lang.L("content type of the payload, for example application/json (sets $.ct and $.ce=utf-8)"))
	timeout := fs.Duration("timeout", 30*time.Second, lang.L("give up when the hub has not acknowledged within this time"))
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), lang.L("Usage: qpyhub send --connection-string CS [flags] PAYLOAD"))
		fmt.Fprintln(fs.Output(), lang.L("Sends one telemetry message as the device and waits for the hub's acknowledgement."))
		fs.PrintDefaults()
	}
	if code, done := parseCommandFlags(fs, args, stderr); done {
		return code
	}
	if fs.NArg() != 1 {
		return badArgument(stderr, "send", "PAYLOAD", lang.L("must be given exactly once, after the flags"))
	}
	props, bad := parseProperties(*propsFlag)
	if bad != "" {
		return badArgument(stderr, "send", "--properties", lang.L("has a part without key=value:")+" "+quote(bad))
	}
	if *timeout <= 0 {
		return badArgument(stderr, "send", "--timeout", lang.L("must be longer than zero"))
	}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	s, code := conn.connect(ctx, "send", stderr)
	if s == nil {
		return code
	}
	defer s.Close()
	var sys hubclient.SystemProperties
	if *contentType != "" {
		sys.ContentType, sys.ContentEncoding = *contentType, "utf-8"
	}
	if err := s.SendTelemetry(ctx, []byte(fs.Arg(0)), props, sys); err != nil {
		fmt.Fprintln(stderr, "qpyhub send: "+lang.L("the hub did not acknowledge the message:")+" "+sessionErrorText(err))
		return 1
	}
	fmt.Fprintln(stdout, lang.L("Sent; the hub acknowledged the message."))
	return 0
}

// sessionErrorText words a device session's error: for a session that
// ended by itself (another connection took the device), its reason with
// the advice, as the window shows it.
func sessionErrorText(err error) string {
	var ended *hubclient.EndedError
	if errors.As(err, &ended) {
		return lang.L(ended.Reason)
	}
	return err.Error()
}

// parseProperties reads "k=v,k2=v2"; bad is the first part without a key.
func parseProperties(s string) (props map[string]string, bad string) {
	props = map[string]string{}
	if s == "" {
		return props, ""
	}
	for _, part := range strings.Split(s, ",") {
		k, v, ok := strings.Cut(part, "=")
		k = strings.TrimSpace(k)
		if !ok || k == "" {
			return nil, part
		}
		props[k] = v
	}
	return props, ""
}
