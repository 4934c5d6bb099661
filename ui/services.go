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
}
