package widgets

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"syscall"
	"testing"

	"qpyhub/app/explain"
	"qpyhub/cloud"
	"qpyhub/cloud/hubclient"
	"qpyhub/device/ports"
	"qpyhub/device/probe"
	"qpyhub/device/repl"
)

// The window words a failure as the command line does: the same What and
// Next from the one explain package, only laid out on two lines.
func TestExplainReadsAsTheCommandLine(t *testing.T) {
	key := &cloud.FieldError{Field: "SharedAccessKey", Reason: cloud.ReasonNotBase64}
	for _, err := range []error{
		fmt.Errorf("check: %w", context.Canceled),
		context.DeadlineExceeded,
		hubclient.ErrClosed,
		&hubclient.ConnectError{Reason: hubclient.ReasonNotAuthorized, Addr: "127.0.0.1:8883"},
		fmt.Errorf("twin: %w", &hubclient.StatusError{Op: "twin get", Status: 429}),
		key,
		&repl.PortError{Path: "/dev/ttyUSB2", Err: syscall.EIO},
		&probe.Error{Code: probe.CodeNoAnswer, Message: "The module did not answer", Err: &repl.TimeoutError{Step: "raw REPL prompt"}},
	} {
		x := Explain(err)
		if x.What == "" {
			t.Errorf("%v: no words of its own: %+v", err, x)
		}
		if got, want := ErrorText(err), explain.Text(err); got != want {
			t.Errorf("%v: window says %q, explain.Text %q", err, got, want)
		}
		line := explain.Line(err)
		if !strings.HasPrefix(line, x.What) || (x.Next != "" && !strings.Contains(line, x.Next)) {
			t.Errorf("%v: command line %q does not carry the window's %q / %q", err, line, x.What, x.Next)
		}
	}
	if got := Explain(key).WithoutField().What; got != cloud.ReasonNotBase64 {
		t.Errorf("under its field: %q, want the reason alone", got)
	}
}

func TestExplainWordsTheWindowsOwnErrors(t *testing.T) {
	for err, what := range map[error]string{
		ErrNoModulePort:                      "No module port is chosen",
		ErrTerminalHoldsPort:                 "The terminal is using this port",
		fmt.Errorf("files: %w", ErrPortBusy): "Another operation is using this port",
	} {
		if x := Explain(err); x.What != what || x.Next == "" {
			t.Errorf("%v: %+v, want %q with a next step", err, x, what)
		}
	}
	if got := ErrorText(errors.New("The patch is not valid JSON.")); got != "The patch is not valid JSON." {
		t.Errorf("a screen's own sentence: %q", got)
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
	gone := &repl.PortError{Path: "/dev/ttyUSB2", Err: syscall.EIO}
	if x := ExplainModuleFailure(gone); x != Explain(gone) {
		t.Errorf("a known core error reads %+v, want %+v", x, Explain(gone))
	}
}

func TestRoleLabelIsTheCommandLinesWord(t *testing.T) {
	for _, role := range []ports.Role{ports.RoleREPL, ports.RoleAT, ports.RoleDiag, ports.RoleNMEA, ports.RoleUnknown} {
		if got := RoleLabel(role); got != role.Label() || got == "" {
			t.Errorf("RoleLabel(%q) = %q, want %q", role, got, role.Label())
		}
	}
}
