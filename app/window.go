package app

import (
	"context"
	"os"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/lang"

	"qpyhub/ui"
)

// appID names qpyhub to the OS (preferences folder, notifications).
const appID = "io.github.qpyhub"

// runWindow opens the main window and returns when it is closed.
func runWindow() int {
	a := fyneapp.NewWithID(appID)
	a.SetIcon(ui.AppIcon)
	a.Settings().SetTheme(ui.NewTheme())
	w := a.NewWindow("qpyhub")
	services, stopHub := windowServices()
	m := ui.NewMainWindow(w, services)
	if services.LocalHub != nil {
		m.Status.SetConnection(lang.L("Local hub: {{.Addr}}", map[string]any{"Addr": services.LocalHub.Address()}))
	}
	w.Resize(fyne.NewSize(1100, 720))
	w.ShowAndRun()
	m.Console.Close()
	m.Terminal.Disconnect()
	m.Ports.Stop()
	stopHub()
	return 0
}

// windowServices starts the local hub for the console (its failure leaves
// the console usable with Azure) and returns the services and a stop.
func windowServices() (ui.Services, func()) {
	services := ui.Services{Sessions: sessionFactory{}}
	modules := newModuleServices()
	services.Setup = setupRunner{modules: modules}
	services.Ports, services.Checker, services.Files, services.Terminal = modules, modules, modules.Files(), modules
	dir, err := os.UserConfigDir()
	if err != nil {
		services.LocalHubErr = err
		return services, func() {}
	}
	hub, err := startLocalHub(context.Background(), dir)
	if err != nil {
		services.LocalHubErr = err
		return services, func() {}
	}
	services.Sessions = sessionFactory{local: hub}
	services.LocalHub = hub
	services.Setup = setupRunner{modules: modules, local: hub}
	return services, hub.Close
}
