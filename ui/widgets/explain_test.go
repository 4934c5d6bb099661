package widgets

import (
	"context"
	"errors"
	"fmt"
	"syscall"
	"testing"

	"qpyhub/cloud"
	"qpyhub/cloud/hubclient"
	"qpyhub/device/ports"
	"qpyhub/device/probe"
	"qpyhub/device/repl"
)

// One function words every error the window shows; what the Console, the
// Module screen and the forms each had for their own errors reads as it
// did (English here: no translation is loaded).
func TestExplainWordsEveryScreensErrors(t *testing.T) {
	key := &cloud.FieldError{Field: "SharedAccessKey", Reason: cloud.ReasonNotBase64}
	tests := []struct {
		name        string
		err         error
		what, next  string
		onField     string // What under the field itself; "" when as What
		known       bool
		wantsDetail bool
	}{
		{name: "cancelled", err: fmt.Errorf("check: %w", context.Canceled), what: "Cancelled", known: true},
		{name: "no answer in time", err: context.DeadlineExceeded, what: "No answer in time: check the connection and try again.", known: true, wantsDetail: true},
		{name: "not connected", err: hubclient.ErrClosed, what: "Not connected: connect first.", known: true, wantsDetail: true},
		{name: "hub refused", err: &hubclient.ConnectError{Reason: hubclient.ReasonNotAuthorized, Addr: "127.0.0.1:8883"},
			what: hubclient.ReasonNotAuthorized + " [127.0.0.1:8883]", known: true, wantsDetail: true},
		{name: "hub status", err: fmt.Errorf("twin: %w", &hubclient.StatusError{Op: "twin get", Status: 429}),
			what: "The hub answered with status 429.", known: true, wantsDetail: true},
		{name: "field", err: key, what: "SharedAccessKey " + cloud.ReasonNotBase64, next: key.Advice(),
			onField: cloud.ReasonNotBase64, known: true, wantsDetail: true},
		{name: "terminal holds the port", err: ErrTerminalHoldsPort, what: "The terminal is using this port",
			next: "Disconnect the terminal first, then try again.", known: true, wantsDetail: true},
		{name: "port gone", err: &repl.PortError{Path: "/dev/ttyUSB2", Err: syscall.EIO}, what: "The module's port went away",
			next: "Check the USB cable, plug the module back in, then try again.", known: true, wantsDetail: true},
		{name: "silent module", err: &probe.Error{Code: probe.CodeNoAnswer, Message: "The module did not answer", Err: &repl.TimeoutError{Step: "raw REPL prompt"}},
			what: "The module does not answer", next: "Check that this is the REPL port and that the module is powered; then try again.", known: true, wantsDetail: true},
		{name: "a screen's own sentence", err: errors.New("The patch is not valid JSON."), what: "The patch is not valid JSON.", wantsDetail: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			x := Explain(tc.err)
			if x.What != tc.what || x.Next != tc.next || x.Known != tc.known {
				t.Errorf("Explain = %+v, want what %q next %q known %v", x, tc.what, tc.next, tc.known)
			}
			if got := x.Detail != ""; got != tc.wantsDetail {
				t.Errorf("detail %q", x.Detail)
			}
			want := tc.what
			if tc.next != "" {
				want += "\n" + tc.next
			}
			if got := ErrorText(tc.err); got != want {
				t.Errorf("ErrorText = %q, want %q", got, want)
			}
			onField := tc.onField
			if onField == "" {
				onField = tc.what
			}
			if got := x.WithoutField().What; got != onField {
				t.Errorf("under its field: %q, want %q", got, onField)
			}
		})
	}
}

func TestExplainModuleFailureNamesAnUnknownError(t *testing.T) {
	x := ExplainModuleFailure(errors.New("strange"))
	if x.What != "The operation on the module failed" || x.Next != "See the details, then try again." || x.Detail != "strange" {
		t.Errorf("unknown error: %+v", x)
	}
	if x := ExplainModuleFailure(ErrPortBusy); x.What != "Another operation is using this port" {
		t.Errorf("a known error lost its words: %+v", x)
	}
}

func TestRoleLabel(t *testing.T) {
	for role, want := range map[ports.Role]string{
		ports.RoleREPL: "REPL", ports.RoleAT: "AT", ports.RoleDiag: "DIAG", ports.RoleNMEA: "NMEA", ports.RoleUnknown: "",
	} {
		if got := RoleLabel(role); got != want {
			t.Errorf("RoleLabel(%q) = %q, want %q", role, got, want)
		}
	}
}
