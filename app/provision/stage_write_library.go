package provision

import (
	"bytes"
	"context"
	"fmt"

	"qpyhub/device/modfs"
	"qpyhub/device/moduleapp"
)

// writeLibrary is the write stage of Plan.KeepMain: the library (with
// its update engine and guard) and the config go to the module, main.py is neither read for a backup nor
// written. The check program is not written either: nothing on the
// module would start it, and /usr is small. A main.py that is qpyhub's
// launcher (or a backup beside it) means an earlier setup replaced the
// module's own program: there is nothing of its own to keep, so the
// stage stops before writing anything.
func (m *moduleRun) writeLibrary(ctx context.Context) error {
	files, err := m.p.program()
	if err != nil {
		return fail(StageWrite, PhraseWrite, AdviceWrite, err.Error(), err)
	}
	library, launcher := fileNamed(files, libraryName), fileNamed(files, launcherName)
	if library == nil {
		return fail(StageWrite, PhraseWrite, AdviceWrite, "the program has no "+libraryName, nil)
	}
	cfg, err := m.configJSON()
	if err != nil {
		return fail(StageWrite, PhraseWrite, AdviceWrite, err.Error(), err)
	}
	fs := modfs.New(m.session, modfs.Options{})
	hasMain, err := ownMain(ctx, fs, launcher)
	if err != nil {
		if se, ok := err.(*StageError); ok {
			return se
		}
		return m.writeFailure(err)
	}
	if !hasMain {
		m.res.Warnings = append(m.res.Warnings, WarningNoMain)
	}
	m.res.Warnings = append(m.res.Warnings, WarningConfigReadable)
	order := []ModuleFile{*library}
	for _, name := range []string{otaName, guardName} {
		if f := fileNamed(files, name); f != nil {
			order = append(order, *f)
		}
	}
	order = append(order, ModuleFile{Name: configName, Data: cfg})
	total := 0
	for _, f := range order {
		total += len(f.Data)
	}
	done := 0
	for _, f := range order {
		progress := func(n, _ int64) {
			m.stepFraction(StageWrite, StateRunning, f.Name, float64(done+int(n))/float64(total))
		}
		if err := fs.Put(ctx, onModule(f.Name), bytes.NewReader(f.Data), int64(len(f.Data)), progress); err != nil {
			return m.writeFailure(err)
		}
		done += len(f.Data)
	}
	m.step(StageWrite, StateOK, fmt.Sprintf("%d files", len(order)))
	return nil
}

// ownMain reports whether the module has a main.py of its own, and
// fails with PhraseMainIsLauncher when an earlier setup put the launcher
// in its place.
func ownMain(ctx context.Context, fs *modfs.FS, launcher *ModuleFile) (bool, error) {
	entries, err := fs.List(ctx, moduleapp.Dir)
	if err != nil {
		return false, err
	}
	has := map[string]bool{}
	for _, e := range entries {
		has[e.Name] = !e.IsDir
	}
	if has[backupName] {
		return false, fail(StageWrite, PhraseMainIsLauncher, AdviceMainIsLauncher, moduleapp.BackupPath, nil)
	}
	if !has[launcherName] {
		return false, nil
	}
	if launcher != nil {
		var cur bytes.Buffer
		if _, err := fs.Get(ctx, moduleapp.MainPath, &cur, nil); err != nil {
			return false, err
		}
		if bytes.Equal(cur.Bytes(), launcher.Data) {
			return false, fail(StageWrite, PhraseMainIsLauncher, AdviceMainIsLauncher, moduleapp.MainPath, nil)
		}
	}
	return true, nil
}

// fileNamed is the program's file called name, or nil.
func fileNamed(files []ModuleFile, name string) *ModuleFile {
	for i := range files {
		if files[i].Name == name {
			return &files[i]
		}
	}
	return nil
}
