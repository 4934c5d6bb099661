package provision

import (
	"bytes"
	"context"

	"qpyhub/device/modfs"
	"qpyhub/device/moduleapp"
	"qpyhub/device/repl"
)

// Restore undoes a setup on the module at port: the module's own
// main.py comes back from moduleapp.BackupPath (or, when it had none, the launcher
// is removed), and the program and its config, which holds the key, are
// removed. A setup that kept the module's main.py (Plan.KeepMain) left
// no backup and a main.py that is not the launcher: then only the
// library, the config and the DPS state go, and main.py stays as it is.
// With none of them on the module either, it changes nothing and fails
// with a *StageError (PhraseNoBackup).
func Restore(ctx context.Context, port string) error {
	s, err := repl.Open(ctx, port, repl.Options{})
	if err != nil {
		phrase, detail := describe(err, PhraseOpen)
		return fail(StageWrite, phrase, "", detail, err)
	}
	defer s.Close()
	files, err := ModuleProgram()
	if err != nil {
		return fail(StageWrite, PhraseWrite, AdviceWrite, err.Error(), err)
	}
	if err := restore(ctx, modfs.New(s, modfs.Options{}), files); err != nil {
		if se, ok := err.(*StageError); ok {
			return se
		}
		phrase, detail := describe(err, PhraseWrite)
		return fail(StageWrite, phrase, AdviceWrite, detail, err)
	}
	return nil
}

func restore(ctx context.Context, fs *modfs.FS, files []ModuleFile) error {
	entries, err := fs.List(ctx, moduleapp.Dir)
	if err != nil {
		return err
	}
	has := map[string]bool{}
	for _, e := range entries {
		has[e.Name] = !e.IsDir
	}
	var launcher []byte
	for _, f := range files {
		if f.Name == launcherName {
			launcher = f.Data
		}
	}
	switch {
	case has[backupName]:
		var old bytes.Buffer
		if _, err := fs.Get(ctx, moduleapp.BackupPath, &old, nil); err != nil {
			return err
		}
		if err := fs.Put(ctx, moduleapp.MainPath, bytes.NewReader(old.Bytes()), int64(old.Len()), nil); err != nil {
			return err
		}
		if err := fs.Remove(ctx, moduleapp.BackupPath); err != nil {
			return err
		}
	case has[launcherName]:
		var cur bytes.Buffer
		if _, err := fs.Get(ctx, moduleapp.MainPath, &cur, nil); err != nil {
			return err
		}
		if !bytes.Equal(cur.Bytes(), launcher) {
			return removeLibrary(ctx, fs, has)
		}
		if err := fs.Remove(ctx, moduleapp.MainPath); err != nil {
			return err
		}
	}
	// main.py no longer starts the program: its files can go, the config
	// (with the key) first, and the hub DPS assigned it.
	names := []string{configName, dpsStateName}
	for _, f := range files {
		if f.Name != launcherName {
			names = append(names, f.Name)
		}
	}
	for _, n := range names {
		if has[n] {
			if err := fs.Remove(ctx, onModule(n)); err != nil {
				return err
			}
		}
	}
	return nil
}

// removeLibrary undoes a setup that kept the module's own main.py: the
// config (with the key) first, the DPS state, then the library. main.py
// is never touched, nor any other file.
func removeLibrary(ctx context.Context, fs *modfs.FS, has map[string]bool) error {
	names := []string{configName, dpsStateName, libraryName, otaName, guardName}
	found := false
	for _, n := range names {
		found = found || has[n]
	}
	if !found {
		return fail(StageWrite, PhraseNoBackup, AdviceNoBackup, "", ErrNoBackup)
	}
	for _, n := range names {
		if has[n] {
			if err := fs.Remove(ctx, onModule(n)); err != nil {
				return err
			}
		}
	}
	return nil
}
