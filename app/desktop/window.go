package desktop

import (
	"context"
	"log/slog"
	"os"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"

	"qpyhub/app/applog"
	"qpyhub/app/netproxy"
	"qpyhub/app/settings"
	"qpyhub/ui"
)

// Run opens the main window and returns when it is closed; version is shown
// on the About screen and written to the log.
func Run(version string) int {
	prefs, prefsErr := settings.OpenPreferences()
	a := newFyneApp(prefs, version)
	prefsSettings := startSettings(a, prefs) // language first: every text below is built in it
	proxy := netproxy.NewChoice(prefsSettings.ProxyConfig())
	proxy.Install()
	logDir, _ := applog.Dir()
	level := new(slog.LevelVar)
	level.Set(applog.ParseLevel(string(prefsSettings.LogLevel)))
	log, closeLog, logErr := applog.Open(logDir, level)
	if logErr != nil {
		fyne.LogError("opening the log", logErr) // the window works without it
	}
	defer closeLog.Close()
	log.Info("qpyhub started", "version", version)
	if prefsErr != nil {
		log.Error("preferences", "err", prefsErr)
	}
	settings.LogPreferenceErrors(prefs, log)
	w := a.NewWindow("qpyhub")
	services, stopHub := windowServices(log, proxy, prefs)
	services.Version = version
	services.Diagnostics = newDiagnostics(logDir, services)
	services.KeyStore = newKeyStore()
	m := ui.NewMainWindow(w, services)
	m.Credentials.UseKeyStore(services.KeyStore, prefs)
	m.Setup.UseKeyStore(services.KeyStore, prefs)
	m.Settings.OnChanged(func(s settings.Settings) { proxy.Set(s.ProxyConfig()) })
	m.Settings.OnChanged(func(s settings.Settings) { level.Set(applog.ParseLevel(string(s.LogLevel))) })
	w.SetMainMenu(m.MainMenu())
	if services.LocalHub != nil {
		m.Status.SetConnection(lang.L("Local hub: {{.Addr}}", map[string]any{"Addr": services.LocalHub.Address()}))
	}
	w.Resize(ui.WindowSize(prefs, fyne.NewSize(1100, 720)))
	w.ShowAndRun()
	m.SaveState(w.Canvas().Size())
	prefs.Flush()
	m.Console.Close()
	m.Terminal.Disconnect()
	m.Ports.Stop()
	stopHub()
	log.Info("qpyhub stopped")
	return 0
}

// windowServices starts the local hub for the console (its failure leaves
// the console usable with Azure) and returns the services and a stop.
func windowServices(log *slog.Logger, proxy *netproxy.Choice, prefs fyne.Preferences) (ui.Services, func()) {
	services := ui.Services{Sessions: sessionFactory{log: log, proxy: proxy}}
	modules := newModuleServices()
	modules.baud = func() int { return settings.Load(prefs).BaudRate }
	modules.log = log
	services.Setup = setupRunner{modules: modules, log: log, proxy: proxy.Proxy}
	services.Ports, services.Checker, services.Files, services.Terminal = modules, modules, modules.Files(), modules
	services.Fleet = fleetSource{proxy: proxy.Proxy}
	services.Updates = updateServices{fleets: fleetSource{proxy: proxy.Proxy}}
	dir, err := os.UserConfigDir()
	if err != nil {
		log.Error("local hub did not start", "err", err)
		services.LocalHubErr = err
		return services, func() {}
	}
	hub, err := startLoggedLocalHub(context.Background(), dir, log)
	if err != nil {
		log.Error("local hub did not start", "err", err)
		services.LocalHubErr = err
		return services, func() {}
	}
	services.Sessions = sessionFactory{local: hub, log: log, proxy: proxy}
	services.LocalHub = hub
	services.Fleet = fleetSource{local: hub, proxy: proxy.Proxy}
	services.Updates = updateServices{fleets: fleetSource{local: hub, proxy: proxy.Proxy}}
	services.Setup = setupRunner{modules: modules, local: hub, log: log, proxy: proxy.Proxy}
	return services, hub.Close
}
