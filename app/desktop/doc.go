// Package desktop starts qpyhub's window: it creates the Fyne app (the
// only package that imports fyne.io/fyne/v2/app), applies the stored
// settings (language, theme, proxy, log level) before any text is built,
// and hands the screens their services: the module ports and files, the
// local hub and device sessions, the setup pipeline's adapter, the key
// store and the diagnostics. The screens themselves live in ui; they see
// these services only through the interfaces they declare.
package desktop
