package widgets

import (
	"context"
	"errors"

	"fyne.io/fyne/v2/lang"

	"qpyhub/cloud"
	"qpyhub/cloud/hubclient"
	"qpyhub/device/modfs"
	"qpyhub/device/probe"
	"qpyhub/device/repl"
)

// Explanation is an error told to a technician: what happened, the next
// step, and the error's own text for the curious.
type Explanation struct {
	What, Next, Detail string
	// Known is false for an error of no kind the window has words for:
	// What is then the error's own text, translated when it is a phrase.
	Known bool
	// bare is What without the name of the input at fault, for an error
	// shown under that input; "" when the error names none.
	bare string
}

// Text is What, then Next on its own line when there is one.
func (x Explanation) Text() string {
	if x.Next == "" {
		return x.What
	}
	return x.What + "\n" + x.Next
}

// WithoutField is x as shown under its own input, which already says the
// input's name.
func (x Explanation) WithoutField() Explanation {
	if x.bare != "" {
		x.What = x.bare
	}
	return x
}

// ErrorText is the text the window shows for err: Explain's, on two lines.
func ErrorText(err error) string { return Explain(err).Text() }

// Explain is the one place the window words an error from device, cloud
// or a screen's services: constant phrases are translated, the values
// they are about (addresses, ports, ids) kept as they are. Port-level
// causes come first: they hide under probe and file errors too, and the
// next step depends on them.
func Explain(err error) Explanation {
	if err == nil {
		return Explanation{}
	}
	x := Explanation{Detail: err.Error(), Known: true}
	var openErr *repl.OpenError
	var timeout *repl.TimeoutError
	switch {
	case errors.Is(err, context.Canceled):
		x.What, x.Detail = lang.L("Cancelled"), ""
	case errors.Is(err, ErrNoModulePort):
		x.What = lang.L("No module port is chosen")
		x.Next = lang.L("Plug the module in and choose its REPL port on the Ports screen.")
	case errors.Is(err, ErrTerminalHoldsPort):
		x.What = lang.L("The terminal is using this port")
		x.Next = lang.L("Disconnect the terminal first, then try again.")
	case errors.Is(err, ErrPortBusy), errors.Is(err, repl.ErrBusy):
		x.What = lang.L("Another operation is using this port")
		x.Next = lang.L("Wait until it finishes, then try again.")
	case errors.Is(err, repl.ErrPortGone):
		x.What = lang.L("The module's port went away")
		x.Next = lang.L("Check the USB cable, plug the module back in, then try again.")
	case errors.As(err, &openErr):
		x.What = lang.L("The port cannot be opened")
		x.Next = lang.L("Check that no other program (QPYcom, a serial terminal) has it open, and that this user may open serial ports.")
	case errors.Is(err, repl.ErrNotStopping):
		x.What = lang.L("The program on the module does not stop on Ctrl-C")
		x.Next = lang.L("Reset the module (reset key or power), then try again.")
	case errors.As(err, &timeout), errors.Is(err, repl.ErrNoAnswer):
		x.What = lang.L("The module does not answer")
		x.Next = lang.L("Check that this is the REPL port and that the module is powered; then try again.")
	case errors.Is(err, context.DeadlineExceeded):
		x.What = lang.L("No answer in time: check the connection and try again.")
	default:
		explainFurther(err, &x)
	}
	return x
}

// explainFurther words the errors of the hub session, the module's
// answers and files, and the inputs.
func explainFurther(err error, x *Explanation) {
	var connect *hubclient.ConnectError
	var config *hubclient.ConfigError
	var status *hubclient.StatusError
	var protocol *repl.ProtocolError
	var probeErr *probe.Error
	var pathErr *modfs.PathError
	var field *cloud.FieldError
	switch {
	case errors.Is(err, hubclient.ErrClosed):
		x.What = lang.L("Not connected: connect first.")
	case errors.As(err, &connect):
		x.What = lang.L(connect.Reason) + " [" + connect.Addr + "]"
	case errors.As(err, &config):
		x.What = config.Field + ": " + lang.L(config.Reason)
	case errors.As(err, &status):
		x.What = lang.L("The hub answered with status {{.Status}}.", map[string]any{"Status": status.Status})
	case errors.As(err, &protocol):
		x.What = lang.L("The module answered something unexpected")
		x.Next = lang.L("Close other programs that use the port (QPYcom, a serial terminal), then try again.")
	case errors.As(err, &probeErr):
		x.What, x.Next = lang.L(probeErr.Message), lang.L(probeErr.Advice)
	case errors.As(err, &pathErr):
		x.What = lang.L(pathErr.Cause.Error())
	case errors.As(err, &field):
		// The field's name, then the reason: as the error reads in English.
		x.bare = lang.L(field.Reason)
		x.What = lang.L(field.Field) + " " + x.bare
		if advice := field.Advice(); advice != "" {
			x.Next = lang.L(advice)
		}
	default:
		x.What, x.Known = lang.L(err.Error()), false
	}
}

// ExplainModuleFailure is Explain for an operation on a module that
// failed: an error of no kind the window knows reads as a failed
// operation, its own text kept as the detail.
func ExplainModuleFailure(err error) Explanation {
	x := Explain(err)
	if !x.Known {
		x.What = lang.L("The operation on the module failed")
		x.Next = lang.L("See the details, then try again.")
	}
	return x
}
