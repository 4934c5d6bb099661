// Package module is the Module screen: it checks the module on the port
// chosen on the Ports screen (SIM, signal, network, data call, one
// verdict) and manages the files under its /usr, one tab each.
//
// It reaches the module through the Checker and Files interfaces in
// services.go, which the window fills and tests fake. It imports no
// other screen: the chosen port and what else it shares with them are
// in ui/widgets.
package module
