// Package widgets holds what several screens of the window share: a
// labelled input with its error under it, a read-only output that masks
// secrets, the token expiry picker, the module port the screens work on,
// the key store they remember secrets in, and the one place that words
// an error (Explain) and a port's role (RoleLabel) for the window.
//
// It imports no screen: neither ui nor any room under it (console, setup,
// module), so that each of them can use it. Like every screen it runs on
// the UI goroutine; work on other goroutines reaches it through the post
// function the window hands out.
package widgets
