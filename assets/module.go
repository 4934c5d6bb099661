package assets

import "embed"

// Module holds what is written onto QuecPython modules: module/qpyhub.py
// (the library applications use to reach IoT Hub), module/qpyhub_app.py
// (qpyhub's check program, one user of the library) and module/main.py
// (the autostart), with the examples in module/examples and the module
// README in English (module/README.md) and Chinese
// (module/README.zh_Hans.md), which explain the library, the config file
// and the status lines.
//
//go:embed module/*.py module/README.md module/README.zh_Hans.md module/examples/*.py
var Module embed.FS

// ModuleLibrary is qpyhub.py, the library; it goes to /usr/qpyhub.py.
func ModuleLibrary() []byte { return mustModuleFile("qpyhub.py") }

// ModuleOTA is qpyhub_ota.py, the library's update engine (downloads
// and checks an update the twin asks for); it goes to /usr/qpyhub_ota.py.
func ModuleOTA() []byte { return mustModuleFile("qpyhub_ota.py") }

// ModuleGuard is qpyhub_guard.py, the journaled apply, commit and
// rollback of an update and the guard that stands in for main.py while a
// new version is on trial; it goes to /usr/qpyhub_guard.py.
func ModuleGuard() []byte { return mustModuleFile("qpyhub_guard.py") }

// ModuleProgram is qpyhub_app.py, the program that takes a module online;
// it goes to /usr/qpyhub_app.py.
func ModuleProgram() []byte { return mustModuleFile("qpyhub_app.py") }

// ModuleMain is main.py, which starts the program at boot; it goes to
// /usr/main.py.
func ModuleMain() []byte { return mustModuleFile("main.py") }

// ModuleExample is module/examples/<name>, an example main.py written
// against the library (e.g. "telemetry.py"); nil when there is none.
func ModuleExample(name string) []byte {
	b, err := Module.ReadFile("module/examples/" + name)
	if err != nil {
		return nil
	}
	return b
}

func mustModuleFile(name string) []byte {
	b, err := Module.ReadFile("module/" + name)
	if err != nil {
		// The file is compiled in: only a broken build gets here.
		panic("assets: " + err.Error())
	}
	return b
}
