package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2/lang"

	"qpyhub/cloud"
	"qpyhub/cloud/hubclient"
)

// answerTimeout bounds one automatic method answer.
const answerTimeout = 10 * time.Second

// runMonitor connects as the device and prints what the cloud sends until
// ctx ends (Ctrl+C), answering the methods named by --reply-method.
func runMonitor(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("monitor", flag.ContinueOnError)
	var conn hubConnFlags
	conn.register(fs)
	asJSON := fs.Bool("json", false, lang.L("print one JSON object per line for each event"))
	replies := methodReplies{}
	fs.Var(replies, "reply-method", lang.L("answer calls of a method by itself: NAME=STATUS:JSON, for example reboot=200:{\"ok\":true} (repeatable)"))
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), lang.L("Usage: qpyhub monitor --connection-string CS [flags]"))
		fmt.Fprintln(fs.Output(), lang.L("Connects as the device and prints cloud-to-device messages, desired-property changes, method calls and connection changes until interrupted."))
		fs.PrintDefaults()
	}
	if code, done := parseCommandFlags(fs, args, stderr); done {
		return code
	}
	if fs.NArg() > 0 {
		return badArgument(stderr, "monitor", quote(fs.Arg(0)), lang.L("is not a flag; monitor takes no arguments"))
	}
	s, code := conn.connect(ctx, "monitor", stderr)
	if s == nil {
		return code
	}
	defer s.Close()
	show := printEventText
	if *asJSON {
		show = printEventJSON
	}
	out := &outputWriter{w: stdout}
	return monitorEvents(ctx, s, replies, func(ev hubclient.Event) error {
		show(out, ev)
		return out.err
	}, stderr)
}

// outputWriter keeps the first error writing the output.
type outputWriter struct {
	w   io.Writer
	err error
}

func (o *outputWriter) Write(p []byte) (int, error) {
	if o.err != nil {
		return 0, o.err
	}
	n, err := o.w.Write(p)
	o.err = err
	return n, err
}

// monitorEvents prints events until ctx ends or the session stops; it
// returns 1 when the session ended by itself (a pasted token expired,
// another connection took the device) or the output cannot be written,
// else 0. Once the output fails it stops reading, so the hub keeps the
// messages it could not print.
func monitorEvents(ctx context.Context, s *hubclient.Session, replies methodReplies, show func(hubclient.Event) error, stderr io.Writer) int {
	code := 0
	for {
		select {
		case <-ctx.Done():
			s.Close()
			for ev := range s.Events() { // the final "disconnected"
				_ = show(ev)
			}
			return code
		case ev, ok := <-s.Events():
			if !ok {
				return code
			}
			if err := show(ev); err != nil {
				fmt.Fprintln(stderr, "qpyhub monitor: "+lang.L("cannot write the output:")+" "+err.Error())
				s.Close()
				for range s.Events() {
				}
				return 1
			}
			switch e := ev.(type) {
			case *hubclient.ConnectionState:
				if e.State == hubclient.StateExpired {
					code = 1
				}
				if e.State == hubclient.StateDisconnected && e.Reason == hubclient.ReasonDisplaced {
					fmt.Fprintln(stderr, "qpyhub monitor: "+lang.L(e.Reason))
					code = 1
				}
			case *hubclient.MethodCall:
				if r, ok := replies[e.Name]; ok {
					answerMethod(ctx, s, e, r, stderr)
				}
			}
		}
	}
}

func answerMethod(ctx context.Context, s *hubclient.Session, call *hubclient.MethodCall, r methodReply, stderr io.Writer) {
	ctx, cancel := context.WithTimeout(ctx, answerTimeout)
	defer cancel()
	if err := s.AnswerMethod(ctx, call.RID, r.status, r.payload); err != nil {
		fmt.Fprintln(stderr, lang.L("Could not answer method {{.Name}}: {{.Error}}", map[string]any{"Name": quote(call.Name), "Error": err.Error()}))
	}
}

func printEventJSON(w io.Writer, ev hubclient.Event) {
	b, err := json.Marshal(ev)
	if err != nil {
		b, _ = json.Marshal(map[string]string{"type": ev.EventType(), "error": err.Error()})
	}
	fmt.Fprintf(w, "%s\n", b)
}

func printEventText(w io.Writer, ev hubclient.Event) {
	switch e := ev.(type) {
	case *hubclient.C2DMessage:
		fmt.Fprintf(w, "%s  %s  %s\n", stamp(e.Received), lang.L("cloud-to-device message"), payloadText(e.Payload))
		props := e.Properties.All()
		sort.SliceStable(props, func(i, j int) bool { return props[i].Key < props[j].Key })
		for _, p := range props {
			fmt.Fprintf(w, "    %s = %s\n", p.Key, p.Value)
		}
		if e.System.MessageID != "" {
			fmt.Fprintf(w, "    $.mid = %s\n", e.System.MessageID)
		}
	case *hubclient.DesiredPatch:
		fmt.Fprintf(w, "%s  %s %d  %s\n", stamp(e.Received), lang.L("desired properties changed, version"), e.Version, e.Patch)
	case *hubclient.MethodCall:
		fmt.Fprintf(w, "%s  %s %s  %s\n", stamp(e.Received), lang.L("method call"), e.Name, payloadText(e.Payload))
	case *hubclient.ConnectionState:
		line := stamp(e.Time) + "  " + lang.L(stateText(e.State))
		if e.Reason != "" {
			line += ": " + lang.L(e.Reason)
		}
		fmt.Fprintln(w, line)
	}
}

func stamp(t time.Time) string { return t.Local().Format("15:04:05") }

func payloadText(b []byte) string {
	if len(b) == 0 {
		return lang.L("(empty)")
	}
	return strconv.QuoteToGraphic(string(b))
}

// stateText is the English shown for a connection state.
func stateText(s hubclient.State) string {
	switch s {
	case hubclient.StateConnecting:
		return "connecting"
	case hubclient.StateConnected:
		return "connected"
	case hubclient.StateReconnecting:
		return "reconnecting"
	case hubclient.StateExpired:
		return "token expired"
	}
	return "disconnected"
}

// methodReply is the canned answer to one method.
type methodReply struct {
	status  int
	payload json.RawMessage
}

// methodReplies collects --reply-method NAME=STATUS:JSON flags.
type methodReplies map[string]methodReply

func (m methodReplies) String() string {
	names := make([]string, 0, len(m))
	for n := range m {
		names = append(names, n)
	}
	sort.Strings(names)
	return strings.Join(names, ",")
}

func (m methodReplies) Set(v string) error {
	name, rest, ok := strings.Cut(v, "=")
	if !ok || name == "" {
		return errors.New(lang.L("expected NAME=STATUS:JSON"))
	}
	statusText, body, _ := strings.Cut(rest, ":")
	status, err := strconv.Atoi(statusText)
	if err != nil || status < 100 || status > 999 {
		return errors.New(lang.L("expected NAME=STATUS:JSON with a status such as 200"))
	}
	if body != "" && !json.Valid([]byte(body)) {
		return errors.New(lang.L("the answer after STATUS: is not JSON"))
	}
	m[name] = methodReply{status: status, payload: json.RawMessage(body)}
	return nil
}

// hubConnFlags are the flags monitor and send use to connect as a device.
type hubConnFlags struct {
	connStr, caFile, server, proxy string
	websocket, proxyFromEnv        bool
}

func (f *hubConnFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.connStr, "connection-string", "", lang.L("device connection string (or set QPYHUB_CONNECTION_STRING)"))
	fs.StringVar(&f.caFile, "ca", "", lang.L("PEM file of the CA to trust instead of the built-in roots (a local hub's CA)"))
	fs.StringVar(&f.server, "server", "", lang.L("dial this host:port instead of the hub host (a local hub)"))
	fs.BoolVar(&f.websocket, "websocket", false, lang.L("use MQTT over WebSockets on port 443"))
	f.registerProxy(fs)
}

// connect builds and connects a session; on failure it prints one line and
// returns nil with the exit code.
func (f *hubConnFlags) connect(ctx context.Context, cmd string, stderr io.Writer) (*hubclient.Session, int) {
	cs := f.connStr
	if cs == "" {
		cs, _ = os.LookupEnv(envConnectionString)
	}
	if cs == "" {
		return nil, badArgument(stderr, cmd, "--connection-string", lang.L("is missing (or set QPYHUB_CONNECTION_STRING)"))
	}
	parsed, err := cloud.ParseConnectionString(cs)
	if err == nil {
		var id cloud.DeviceIdentity
		if id, err = cloud.IdentityFromConnectionString(parsed); err == nil {
			return f.dial(ctx, cmd, id, stderr)
		}
	}
	var fe *cloud.FieldError
	if errors.As(err, &fe) {
		return nil, badArgument(stderr, cmd, "--connection-string", fe.Field+" "+lang.L(fe.Reason))
	}
	return nil, badArgument(stderr, cmd, "--connection-string", err.Error())
}

func (f *hubConnFlags) dial(ctx context.Context, cmd string, id cloud.DeviceIdentity, stderr io.Writer) (*hubclient.Session, int) {
	proxy, proxyFlag, err := f.proxyFunc()
	if err != nil {
		return nil, badArgument(stderr, cmd, proxyFlag, err.Error())
	}
	s, err := hubclient.New(hubclient.Config{Identity: id, WebSocket: f.websocket || proxy != nil, ServerAddr: f.server, CAFile: f.caFile, Proxy: proxy})
	var ce *hubclient.ConfigError
	switch {
	case errors.As(err, &ce) && ce.Field == "server":
		return nil, badArgument(stderr, cmd, "--server", lang.L(ce.Reason))
	case errors.As(err, &ce) && ce.Field == "CA file":
		return nil, badArgument(stderr, cmd, "--ca", lang.L(ce.Reason))
	case err != nil:
		return nil, badArgument(stderr, cmd, "--connection-string", err.Error())
	}
	if err := s.Connect(ctx); err != nil {
		s.Close()
		var conErr *hubclient.ConnectError
		if errors.As(err, &conErr) {
			line := "qpyhub " + cmd + ": " + lang.L(conErr.Reason) + " [" + conErr.Addr + "]"
			if conErr.Err != nil {
				line += " (" + conErr.Err.Error() + ")"
			}
			fmt.Fprintln(stderr, line)
		} else {
			fmt.Fprintln(stderr, "qpyhub "+cmd+": "+err.Error())
		}
		return nil, 1
	}
	return s, 0
}

// parseCommandFlags parses args; done reports that the command should end
// now with code (0 after --help, 2 after a bad flag).
func parseCommandFlags(fs *flag.FlagSet, args []string, stderr io.Writer) (code int, done bool) {
	fs.SetOutput(io.Discard)
	err := fs.Parse(args)
	fs.SetOutput(stderr)
	switch {
	case errors.Is(err, flag.ErrHelp):
		fs.Usage()
		return 0, true
	case err != nil:
		fmt.Fprintln(stderr, "qpyhub "+fs.Name()+": "+err.Error())
		return 2, true
	}
	return 0, false
}

// badArgument prints one line naming what is wrong and returns 2.
func badArgument(stderr io.Writer, cmd, what, reason string) int {
	fmt.Fprintln(stderr, "qpyhub "+cmd+": "+what+" "+reason)
	return 2
}
