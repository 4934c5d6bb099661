// Package explain turns an error from the core packages (device, cloud,
// app/provision) into words for a technician: what happened and the next
// step, translated, with the dynamic values (port, address, path, status)
// apart. The command line prints Line, the window shows Text; both come
// from the one Explain.
//
// Every typed error a user can see answers the same two methods:
//
//	Phrase() string // what happened: a constant English sentence, a translation key
//	Advice() string // the next step, a constant English sentence; "" when the phrase says it
//
// Sentinel errors whose text is itself such a phrase (repl.ErrPortGone,
// modfs.ErrNotFound, registry.ErrTimeout, …) and the context's
// cancellation and deadline are recognised too.
//
// It holds no widgets: besides the standard library and the core packages
// it imports only fyne.io/fyne/v2/lang, and it builds without cgo.
package explain
