package provision

import (
	"bytes"
	"context"
	"errors"
	"fmt"

	"qpyhub/device/modfs"
	"qpyhub/device/moduleapp"
)

// write backs up the module's own main.py, then writes the program, the
// config and finally the launcher. Each file goes to a .part name first
// and is renamed only when complete, so an unplug at any point leaves
// the old main.py in place and no half-written file under a real name.
// A file the module already has, as on a second setup of the same
// module, is not sent again.
func (m *moduleRun) write(ctx context.Context) error {
	if m.p.plan.KeepMain {
		return m.writeLibrary(ctx) // stage_write_library.go: main.py untouched
	}
	files, err := m.p.program()
	if err != nil {
		return fail(StageWrite, PhraseWrite, AdviceWrite, err.Error(), err)
	}
	cfg, err := m.configJSON()
	if err != nil {
		return fail(StageWrite, PhraseWrite, AdviceWrite, err.Error(), err)
	}
	var launcher []byte
	var order []ModuleFile
	for _, f := range files {
		if f.Name == launcherName {
			launcher = f.Data
			continue
		}
		order = append(order, f)
	}
	if launcher == nil {
		return fail(StageWrite, PhraseWrite, AdviceWrite, "the program has no main.py", nil)
	}
	order = append(order, ModuleFile{Name: configName, Data: cfg}, ModuleFile{Name: launcherName, Data: launcher})
	fs := modfs.New(m.session, modfs.Options{})
	backedUp, err := backupMain(ctx, fs, launcher)
	if err != nil {
		return m.writeFailure(err)
	}
	m.res.BackedUp = backedUp
	m.res.Warnings = append(m.res.Warnings, WarningConfigReadable)
	total := 0
	for _, f := range order {
		total += len(f.Data)
	}
	done, unchanged := 0, 0
	for _, f := range order {
		progress := func(n, _ int64) {
			m.stepFraction(StageWrite, StateRunning, f.Name, float64(done+int(n))/float64(total))
		}
		res, err := fs.PutFile(ctx, onModule(f.Name), bytes.NewReader(f.Data), int64(len(f.Data)), modfs.PutOptions{Progress: progress})
		if err != nil {
			return m.writeFailure(err)
		}
		if res.Skipped {
			unchanged++
		}
		done += len(f.Data)
	}
	m.step(StageWrite, StateOK, writtenDetail(len(order), unchanged))
	return nil
}

// writtenDetail says how many files the write stage went through and how
// many of them the module already had.
func writtenDetail(files, unchanged int) string {
	if unchanged == 0 {
		return fmt.Sprintf("%d files", files)
	}
	return fmt.Sprintf("%d files, %d unchanged", files, unchanged)
}

func (m *moduleRun) writeFailure(err error) error {
	phrase, detail := describe(err, PhraseWrite)
	if phrase == PhraseWrite {
		return fail(StageWrite, PhraseWrite, AdviceWrite, detail, err)
	}
	return fail(StageWrite, PhraseWrite, AdviceWrite, joinDetail(phrase, detail), err)
}

// backupMain saves main.py to moduleapp.BackupPath unless it is already the
// launcher or a backup exists (the first backup is the module's own
// program; a later one would only be ours).
func backupMain(ctx context.Context, fs *modfs.FS, launcher []byte) (bool, error) {
	entries, err := fs.List(ctx, moduleapp.Dir)
	if err != nil {
		return false, err
	}
	has := map[string]bool{}
	for _, e := range entries {
		has[e.Name] = !e.IsDir
	}
	if !has[launcherName] || has[backupName] {
		return false, nil
	}
	var old bytes.Buffer
	if _, err := fs.Get(ctx, moduleapp.MainPath, &old, nil); err != nil {
		return false, err
	}
	if bytes.Equal(old.Bytes(), launcher) {
		return false, nil
	}
	if err := fs.Put(ctx, moduleapp.BackupPath, bytes.NewReader(old.Bytes()), int64(old.Len()), nil); err != nil {
		return false, err
	}
	return true, nil
}

// ErrNoBackup means Restore found no backup and main.py is not ours.
var ErrNoBackup = errors.New(PhraseNoBackup)
