package assets

import "embed"

// Module holds the program written onto QuecPython modules: module/main.py
// (the autostart) and module/qpyhub_app.py, with module/README.md, which
// explains the config file and the status lines they print.
//
//go:embed module/*.py module/README.md
var Module embed.FS

// ModuleProgram is qpyhub_app.py, the program that takes a module online;
// it goes to /usr/qpyhub_app.py.
func ModuleProgram() []byte { return mustModuleFile("qpyhub_app.py") }

// ModuleMain is main.py, which starts the program at boot; it goes to
// /usr/main.py.
func ModuleMain() []byte { return mustModuleFile("main.py") }

func mustModuleFile(name string) []byte {
	b, err := Module.ReadFile("module/" + name)
	if err != nil {
		// The file is compiled in: only a broken build gets here.
		panic("assets: " + err.Error())
	}
	return b
}
