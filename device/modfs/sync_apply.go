package modfs

import (
	"context"
	"errors"
	"fmt"
	iofs "io/fs"
	"strings"
)

// SyncEvent is the progress of ApplySync: an item starts (Done 0), a
// file's bytes go out, the item ends (Finished).
type SyncEvent struct {
	Item     SyncItem
	Index    int // of the plan's changes, from 1
	Total    int // changes in the plan
	Done     int64
	Finished bool
}

// ApplySync carries out plan with the files of local, the folder it was
// planned from, reporting progress when it is not nil, and answers the
// items it did: the plan's Changes, in order, up to the first failure.
// Files go up as Put sends them (a part file renamed only when
// complete), without asking the module again whether it has them.
// Removals are checked again to lie inside the target folder.
func (fs *FS) ApplySync(ctx context.Context, local iofs.FS, plan SyncPlan, progress func(SyncEvent)) ([]SyncItem, error) {
	if _, err := checkSyncTarget(plan.Remote); err != nil {
		return nil, err
	}
	changes := plan.Changes()
	var done []SyncItem
	for i, it := range changes {
		ev := SyncEvent{Item: it, Index: i + 1, Total: len(changes)}
		report := func(n int64, finished bool) {
			if progress != nil {
				ev.Done, ev.Finished = n, finished
				progress(ev)
			}
		}
		report(0, false)
		if err := fs.applyItem(ctx, local, plan.Remote, it, func(n, _ int64) { report(n, false) }); err != nil {
			return done, err
		}
		report(it.Size, true)
		done = append(done, it)
	}
	return done, nil
}

func (fs *FS) applyItem(ctx context.Context, local iofs.FS, dir string, it SyncItem, progress Progress) error {
	if it.Path != "" && !cleanRel(it.Path) {
		return &PathError{Op: "sync", Path: it.Path, Cause: ErrBadPath}
	}
	path := joinRemote(dir, it.Path)
	switch it.Action {
	case SyncMkdir:
		if it.Path == "" {
			return fs.mkdirAll(ctx, path)
		}
		return fs.Mkdir(ctx, path)
	case SyncAdd, SyncChange:
		return fs.putLocal(ctx, local, it.Path, path, progress)
	case SyncDelete, SyncRmdir:
		if !strings.HasPrefix(path, strings.TrimSuffix(dir, "/")+"/") {
			return &PathError{Op: "sync", Path: path, Cause: ErrOutside}
		}
		return fs.Remove(ctx, path)
	}
	return fmt.Errorf("sync %s: unknown action %q", path, it.Action)
}

// putLocal sends one local file, forced: the plan already compared it.
func (fs *FS) putLocal(ctx context.Context, local iofs.FS, rel, path string, progress Progress) error {
	f, err := local.Open(rel)
	if err != nil {
		return fmt.Errorf("reading the local file %s: %w", rel, err)
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return fmt.Errorf("reading the local file %s: %w", rel, err)
	}
	_, err = fs.PutFile(ctx, path, f, info.Size(), PutOptions{Force: true, Progress: progress})
	return err
}

// mkdirAll makes dir and the folders above it that are missing, below
// /usr or /bak.
func (fs *FS) mkdirAll(ctx context.Context, dir string) error {
	parts := strings.Split(strings.TrimPrefix(dir, "/"), "/")
	for i := 2; i <= len(parts); i++ {
		err := fs.Mkdir(ctx, "/"+strings.Join(parts[:i], "/"))
		if err != nil && !errors.Is(err, ErrExists) {
			return err
		}
	}
	return nil
}

// Sync mirrors the local folder onto remoteDir: PlanSync, then
// ApplySync. It answers the plan it carried out.
func (fs *FS) Sync(ctx context.Context, local iofs.FS, remoteDir string, opts SyncOptions, progress func(SyncEvent)) (SyncPlan, error) {
	plan, err := fs.PlanSync(ctx, local, remoteDir, opts)
	if err != nil {
		return plan, err
	}
	_, err = fs.ApplySync(ctx, local, plan, progress)
	return plan, err
}
