package ui

import (
	"context"
	"errors"

	"fyne.io/fyne/v2/lang"

	"qpyhub/device/modfs"
	"qpyhub/device/probe"
	"qpyhub/device/repl"
)

// moduleTrouble is a failed module operation told to a technician: what
// happened, the next step, and the raw detail for the curious.
type moduleTrouble struct {
	What, Next, Detail string
}

// Text is the trouble on two lines: what happened, then what to do.
func (m moduleTrouble) Text() string {
	if m.Next == "" {
		return m.What
	}
	return m.What + "\n" + m.Next
}

// explainModuleError turns an error from a module service into translated
// words. Port-level causes come first: they hide under probe and file
// errors too, and the next step depends on them.
func explainModuleError(err error) moduleTrouble {
	t := moduleTrouble{Detail: err.Error()}
	var openErr *repl.OpenError
	var timeout *repl.TimeoutError
	var protocol *repl.ProtocolError
	var probeErr *probe.Error
	var pathErr *modfs.PathError
	switch {
	case errors.Is(err, context.Canceled):
		t.What, t.Detail = lang.L("Cancelled"), ""
	case errors.Is(err, ErrNoModulePort):
		t.What = lang.L("No module port is chosen")
		t.Next = lang.L("Plug the module in and choose its REPL port on the Ports screen.")
	case errors.Is(err, ErrTerminalHoldsPort):
		t.What = lang.L("The terminal is using this port")
		t.Next = lang.L("Disconnect the terminal first, then try again.")
	case errors.Is(err, ErrPortBusy), errors.Is(err, repl.ErrBusy):
		t.What = lang.L("Another operation is using this port")
		t.Next = lang.L("Wait until it finishes, then try again.")
	case errors.Is(err, repl.ErrPortGone):
		t.What = lang.L("The module's port went away")
		t.Next = lang.L("Check the USB cable, plug the module back in, then try again.")
	case errors.As(err, &openErr):
		t.What = lang.L("The port cannot be opened")
		t.Next = lang.L("Check that no other program (QPYcom, a serial terminal) has it open, and that this user may open serial ports.")
	case errors.Is(err, repl.ErrNotStopping):
		t.What = lang.L("The program on the module does not stop on Ctrl-C")
		t.Next = lang.L("Reset the module (reset key or power), then try again.")
	case errors.As(err, &timeout), errors.Is(err, repl.ErrNoAnswer), errors.Is(err, context.DeadlineExceeded):
		t.What = lang.L("The module does not answer")
		t.Next = lang.L("Check that this is the REPL port and that the module is powered; then try again.")
	case errors.As(err, &protocol):
		t.What = lang.L("The module answered something unexpected")
		t.Next = lang.L("Close other programs that use the port (QPYcom, a serial terminal), then try again.")
	case errors.As(err, &probeErr):
		t.What, t.Next = lang.L(probeErr.Message), lang.L(probeErr.Advice)
	case errors.As(err, &pathErr):
		t.What = lang.L(pathErr.Cause.Error())
	default:
		t.What = lang.L("The operation on the module failed")
		t.Next = lang.L("See the details, then try again.")
	}
	return t
}
