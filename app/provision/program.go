package provision

import "qpyhub/assets"

// ModuleFile is one file of the module program, written under /usr.
type ModuleFile struct {
	Name string // e.g. "qpyhub_app.py"; "main.py" is the launcher
	Data []byte
}

// launcherName is the autostart file, written last.
const launcherName = "main.py"

// ModuleProgram answers the program files embedded in the binary, the
// launcher main.py last.
func ModuleProgram() ([]ModuleFile, error) {
	return []ModuleFile{
		{Name: "qpyhub.py", Data: assets.ModuleLibrary()},
		{Name: "qpyhub_app.py", Data: assets.ModuleProgram()},
		{Name: launcherName, Data: assets.ModuleMain()},
	}, nil
}
