package setup

import (
	"context"

	"qpyhub/app/provision"
)

// Runner takes modules through the setup pipeline (app/provision): module
// check, identity, credentials, writing the program, verifying it online,
// and the record. The window adapts provision.Run to it, holding each
// port while its module is set up.
type Runner interface {
	// Run sets up every port at once with plan and returns one result
	// per port once all have finished. onLocalHub points the plan at the
	// window's own local hub first: its address, its CA, and a policy
	// that confirms from the cloud side. progress may be called from
	// several goroutines; cancelling ctx stops the modules still in
	// progress (they end failed).
	Run(ctx context.Context, plan provision.Plan, onLocalHub bool, ports []string, progress func(provision.Progress)) []provision.Result
}

// Restorer undoes a setup: the module's own main.py comes back from the
// backup the setup made, and the program and its config (which holds the
// key) are removed; after a setup that kept main.py, only the library and
// its config go. The screen offers it when its runner can.
type Restorer interface {
	Restore(ctx context.Context, port string) error
}

// LocalHubPolicy is what the screen needs from the window's local hub: a
// policy that may create devices, for the demo path.
type LocalHubPolicy interface {
	// PolicyConnectionString is a registry-write policy of the local hub;
	// it holds the policy key: show it masked.
	PolicyConnectionString() (string, error)
}
