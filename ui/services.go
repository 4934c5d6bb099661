package ui

// Services is what the screens need from the outside world, as small
// interfaces; app passes the real ones, tests pass fakes.
type Services struct {
	// Sessions opens device sessions for the console.
	Sessions DeviceSessionFactory
	// LocalHub is the in-process hub; nil when it did not start, and
	// LocalHubErr says why.
	LocalHub    LocalHub
	LocalHubErr error

	// Ports, Checker, Files and Terminal reach modules on their REPL ports.
	Ports    PortWatcher
	Checker  ModuleChecker
	Files    ModuleFiles
	Terminal ReplTerminal

	// Setup takes modules through the guided setup.
	Setup SetupRunner

	// KeyStore remembers the keys the user asks to remember, in the OS
	// credential store; nil offers no remembering.
	KeyStore KeyStore

	// Version is the program version shown on the About screen.
	Version string
	// Diagnostics backs the About screen's log and diagnostics buttons;
	// nil hides them.
	Diagnostics Diagnostics
}

// Diagnostics is what a technician sends along with a problem report.
type Diagnostics interface {
	// LogFolder is the folder holding the app's log files.
	LogFolder() string
	// Text describes the app and the machine, with no key or token in it.
	Text() string
}
