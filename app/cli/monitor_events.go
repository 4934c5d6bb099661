package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strconv"
	"time"

	"fyne.io/fyne/v2/lang"

	"qpyhub/cloud/hubclient"
)

// How monitor shows an event: one JSON object per line (--json), or a
// line of text with the time first.

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
