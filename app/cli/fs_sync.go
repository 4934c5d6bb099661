package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	iofs "io/fs"
	"os"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2/lang"

	"qpyhub/device/modfs"
)

// fsSync is "fs sync LOCALDIR [REMOTEDIR]": mirror a project folder onto
// a module folder (/usr when not named), by digest.
func fsSync() fsAction {
	return fsAction{target: syncTarget, writes: true, wholeFolder: true, local: checkSyncSource, do: fsCommand.sync, switches: syncSwitches}
}

func syncSwitches(set *flag.FlagSet, o *fsSwitches) {
	set.BoolVar(&o.dryRun, "dry-run", false, lang.L("list what would change and change nothing"))
	set.BoolVar(&o.delete, "delete", false, lang.L("remove files and folders under REMOTEDIR that LOCALDIR does not have (never outside REMOTEDIR)"))
	forceSwitch(set, o)
}

// syncTarget is the module folder of "sync LOCALDIR [REMOTEDIR]".
func syncTarget(words []string) string {
	if len(words) < 2 {
		return "/usr"
	}
	return words[1]
}

// checkSyncSource refuses a LOCALDIR that is missing or not a folder,
// and answers the bytes of its files: the most a sync sends.
func checkSyncSource(words []string) (int64, error) {
	dir := words[0]
	st, err := os.Stat(dir)
	switch {
	case errors.Is(err, iofs.ErrNotExist):
		return 0, badArg(quote(dir), lang.L("does not exist: name the project folder to copy onto the module"))
	case err != nil:
		return 0, &localFileError{phrase: phraseLocalRead, err: err}
	case !st.IsDir():
		return 0, badArg(quote(dir), lang.L("is not a folder: fs sync mirrors a folder; copy one file with fs put"))
	}
	var size int64
	err = filepath.WalkDir(dir, func(_ string, d iofs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if info, ierr := d.Info(); ierr == nil && info.Mode().IsRegular() {
			size += info.Size()
		}
		return nil
	})
	if err != nil {
		return 0, &localFileError{phrase: phraseLocalRead, err: err}
	}
	return size, nil
}

func (c fsCommand) sync(ctx context.Context, fs *modfs.FS, words []string) error {
	local := os.DirFS(words[0])
	plan, err := fs.PlanSync(ctx, local, syncTarget(words), modfs.SyncOptions{Delete: c.delete, Force: c.force})
	if err != nil {
		return err
	}
	if c.dryRun {
		return c.syncReport(plan, plan.Changes())
	}
	out := &outputWriter{w: c.stdout}
	done, err := fs.ApplySync(ctx, local, plan, func(ev modfs.SyncEvent) {
		if ev.Finished && !c.asJSON {
			fmt.Fprintln(out, syncLine(plan.Remote, ev.Item))
		}
	})
	if err != nil {
		return err
	}
	if out.err != nil {
		return outputFailed(out.err)
	}
	return c.syncReport(plan, done)
}

// syncReport prints the changes (planned on a dry run, done on a real
// one, whose lines were printed as each was done) and the counts.
func (c fsCommand) syncReport(plan modfs.SyncPlan, changes []modfs.SyncItem) error {
	if c.asJSON {
		return writeJSON(c.stdout, newSyncJSON(plan, changes, c.dryRun))
	}
	out := &outputWriter{w: c.stdout}
	if c.dryRun {
		for _, it := range changes {
			fmt.Fprintln(out, syncLine(plan.Remote, it))
		}
	}
	values := map[string]any{
		"Dir": plan.Remote, "Added": plan.Count(modfs.SyncAdd), "Changed": plan.Count(modfs.SyncChange),
		"Deleted": plan.Count(modfs.SyncDelete), "Unchanged": plan.Count(modfs.SyncSame), "Kept": plan.Count(modfs.SyncKeep),
	}
	if c.dryRun {
		fmt.Fprintln(out, lang.L("Dry run of {{.Dir}}: {{.Added}} to add, {{.Changed}} to change, {{.Deleted}} to delete, {{.Unchanged}} unchanged; nothing was changed.", values))
	} else {
		fmt.Fprintln(out, lang.L("Synced {{.Dir}}: {{.Added}} added, {{.Changed}} changed, {{.Deleted}} deleted, {{.Unchanged}} unchanged.", values))
	}
	if kept := plan.Count(modfs.SyncKeep); kept > 0 {
		fmt.Fprintln(out, lang.L("{{.Kept}} files and folders are only on the module and were left there; --delete removes them.", values))
	}
	if out.err != nil {
		return outputFailed(out.err)
	}
	return nil
}

// syncLine is one change: its action as the plan names it, the module
// path (folders end in "/"), and a file's size. The dry run and the real
// run print the same lines.
func syncLine(remote string, it modfs.SyncItem) string {
	path := syncPath(remote, it)
	switch it.Action {
	case modfs.SyncAdd, modfs.SyncChange:
		return fmt.Sprintf("%-6s %s (%d B)", it.Action, path, it.Size)
	}
	return fmt.Sprintf("%-6s %s", it.Action, path)
}

// syncPath is the module path of a plan's item.
func syncPath(remote string, it modfs.SyncItem) string {
	p := strings.TrimSuffix(remote, "/")
	if it.Path != "" {
		p += "/" + it.Path
	}
	if it.IsDir {
		p += "/"
	}
	return p
}

// fsSyncJSON is what sync --json prints.
type fsSyncJSON struct {
	Remote    string           `json:"remote"`
	DryRun    bool             `json:"dryRun"`
	Added     int              `json:"added"`
	Changed   int              `json:"changed"`
	Deleted   int              `json:"deleted"`
	Unchanged int              `json:"unchanged"`
	Kept      int              `json:"kept"`
	SendBytes int64            `json:"sendBytes"`
	Changes   []fsSyncItemJSON `json:"changes"` // planned on a dry run, else done
}

type fsSyncItemJSON struct {
	Action string `json:"action"`
	Path   string `json:"path"`
	IsDir  bool   `json:"dir"`
	Size   int64  `json:"size"`
}

func newSyncJSON(plan modfs.SyncPlan, changes []modfs.SyncItem, dryRun bool) fsSyncJSON {
	out := fsSyncJSON{
		Remote: plan.Remote, DryRun: dryRun, Added: plan.Count(modfs.SyncAdd), Changed: plan.Count(modfs.SyncChange),
		Deleted: plan.Count(modfs.SyncDelete), Unchanged: plan.Count(modfs.SyncSame), Kept: plan.Count(modfs.SyncKeep),
		SendBytes: plan.SendBytes(), Changes: []fsSyncItemJSON{},
	}
	for _, it := range changes {
		out.Changes = append(out.Changes, fsSyncItemJSON{Action: string(it.Action), Path: syncPath(plan.Remote, it), IsDir: it.IsDir, Size: it.Size})
	}
	return out
}
