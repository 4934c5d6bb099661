package provision

import (
	"path"

	"qpyhub/assets"
	"qpyhub/device/moduleapp"
)

// ModuleFile is one file of the module program, written in moduleapp.Dir.
type ModuleFile struct {
	Name string // e.g. "qpyhub_app.py"; "main.py" is the launcher
	Data []byte
}

// The names of the module's files in moduleapp.Dir: what a listing of
// that folder shows.
var (
	launcherName = path.Base(moduleapp.MainPath) // the autostart file, written last
	programName  = path.Base(moduleapp.ProgramPath)
	libraryName  = path.Base(moduleapp.LibraryPath)
	otaName      = path.Base(moduleapp.OTAPath)
	guardName    = path.Base(moduleapp.GuardPath)
	configName   = path.Base(moduleapp.ConfigPath)
	backupName   = path.Base(moduleapp.BackupPath)
	dpsStateName = path.Base(moduleapp.DPSStatePath)
)

// onModule is where a file of the program goes on the module.
func onModule(name string) string { return path.Join(moduleapp.Dir, name) }

// ModuleProgram answers the program files embedded in the binary, the
// launcher main.py last.
func ModuleProgram() ([]ModuleFile, error) {
	return []ModuleFile{
		{Name: libraryName, Data: assets.ModuleLibrary()},
		{Name: otaName, Data: assets.ModuleOTA()},
		{Name: guardName, Data: assets.ModuleGuard()},
		{Name: programName, Data: assets.ModuleProgram()},
		{Name: launcherName, Data: assets.ModuleMain()},
	}, nil
}
