// Package widgets holds what several screens of the window share: a
// labelled input with its error under it, a read-only output that masks
// secrets, the token expiry picker, the module port the screens work on,
// the key store they remember secrets in, and the one place the window
// words an error (Explain: app/explain's words, as the command line
// prints them, plus the window's own port errors) and a port's role
// (RoleLabel: ports.Role.Label, translated), and what is wrong with
// an update bundle file (BundleErrorText).
//
// It imports no screen: neither ui nor any room under it (console, setup,
// module), so that each of them can use it. Like every screen it runs on
// the UI goroutine; work on other goroutines reaches it through the post
// function the window hands out.
package widgets
