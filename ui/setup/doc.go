// Package setup is the Setup screen: the guided path from a plugged-in
// module to a module online in IoT Hub, for one module or a tray. The
// technician fills the steps (modules, identity, credentials, record),
// presses Start and watches one row per module.
//
// It speaks the setup pipeline's own types (app/provision: the plan, its
// progress and results, the stage ids, the id templates); the window
// runs the pipeline behind the Runner interface in services.go. It
// imports no other screen: what it shares with them is in ui/widgets.
package setup
