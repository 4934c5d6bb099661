package widgets

import (
	"errors"

	"fyne.io/fyne/v2/lang"

	"qpyhub/app/explain"
)

// ErrorText is the text the window shows for err: Explain's, on two lines.
func ErrorText(err error) string { return Explain(err).Text() }

// Explain is the one place the window words an error. The screens' own
// errors about the chosen port come first; every other error reads as the
// command line prints it (app/explain), so one failure has one wording.
func Explain(err error) explain.Explanation {
	if x, ok := windowOwn(err); ok {
		return x
	}
	return explain.Explain(err)
}

// windowOwn words the errors only the window has: a port not chosen, or
// held by another of its screens.
func windowOwn(err error) (explain.Explanation, bool) {
	var x explain.Explanation
	switch {
	case errors.Is(err, ErrNoModulePort):
		x.What = lang.L("No module port is chosen")
		x.Next = lang.L("Plug the module in and choose its REPL port on the Ports screen.")
	case errors.Is(err, ErrTerminalHoldsPort):
		x.What = lang.L("The terminal is using this port")
		x.Next = lang.L("Disconnect the terminal first, then try again.")
	case errors.Is(err, ErrPortBusy):
		x.What = lang.L("Another operation is using this port")
		x.Next = lang.L("Wait until it finishes, then try again.")
	default:
		return x, false
	}
	return x, true
}

// ExplainModuleFailure is Explain for an operation on a module that
// failed: an error of no kind qpyhub has words for reads as a failed
// operation, its own text kept as the detail.
func ExplainModuleFailure(err error) explain.Explanation {
	if _, ok := windowOwn(err); ok || explain.Knows(err) {
		return Explain(err)
	}
	return explain.Explanation{
		What:   lang.L("The operation on the module failed"),
		Next:   lang.L("See the details, then try again."),
		Detail: err.Error(),
	}
}
