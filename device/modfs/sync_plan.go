package modfs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	iofs "io/fs"
	"sort"
	"strings"
)

// SyncOptions tune a sync.
type SyncOptions struct {
	// Delete removes the files and folders the module has under the
	// target folder and the local folder does not (ignored ones stay).
	// Nothing outside the target folder is ever removed.
	Delete bool
	// Force sends every file, changed or not.
	Force bool
}

// SyncAction is what a sync does with one path.
type SyncAction string

// The actions of a plan.
const (
	SyncMkdir  SyncAction = "mkdir"  // a folder the module lacks
	SyncAdd    SyncAction = "add"    // a file the module lacks
	SyncChange SyncAction = "change" // a file that differs (or any file, forced)
	SyncSame   SyncAction = "same"   // a file the module has as it is here: not sent
	SyncKeep   SyncAction = "keep"   // on the module only, left alone (no Delete)
	SyncDelete SyncAction = "delete" // a file on the module only, removed (Delete)
	SyncRmdir  SyncAction = "rmdir"  // a folder on the module only, removed (Delete)
)

// SyncItem is one path of a plan.
type SyncItem struct {
	Path   string // relative to both folders, "/" between names; "" is the target folder itself
	Action SyncAction
	IsDir  bool
	Size   int64 // the local file's size; the module's for keep and delete
}

// SyncPlan is what a sync does, in the order it does it: folders to
// make (parents first), files to send, then files and folders to remove
// (contents first). It is the dry run: ApplySync does exactly this.
type SyncPlan struct {
	Remote  string // the module folder, e.g. /usr
	Options SyncOptions
	Items   []SyncItem
}

// Count answers how many items have action a.
func (p SyncPlan) Count(a SyncAction) int {
	n := 0
	for _, it := range p.Items {
		if it.Action == a {
			n++
		}
	}
	return n
}

// SendBytes is the size of the files the plan sends.
func (p SyncPlan) SendBytes() int64 {
	var n int64
	for _, it := range p.Items {
		if it.Action == SyncAdd || it.Action == SyncChange {
			n += it.Size
		}
	}
	return n
}

// Changes are the items that change the module, in order.
func (p SyncPlan) Changes() []SyncItem {
	var out []SyncItem
	for _, it := range p.Items {
		if it.Action != SyncSame && it.Action != SyncKeep {
			out = append(out, it)
		}
	}
	return out
}

// ErrSyncConflict means a path is a folder on one side and a file on
// the other.
var ErrSyncConflict = errors.New("a path is a folder on one side and a file on the other: rename it here or remove it on the module, then sync again")

// entry is a file or folder on one side.
type entry struct {
	isDir bool
	size  int64
}

// PlanSync compares the local folder (as an io/fs.FS, e.g. os.DirFS)
// with remoteDir on the module (under /usr or /bak, or either itself):
// what a sync would add, change, leave, keep and delete. The local
// folder's IgnoreFile, if any, leaves paths out on both sides.
func (fs *FS) PlanSync(ctx context.Context, local iofs.FS, remoteDir string, opts SyncOptions) (SyncPlan, error) {
	remoteDir, err := checkSyncTarget(remoteDir)
	if err != nil {
		return SyncPlan{}, err
	}
	ig, err := readIgnore(local)
	if err != nil {
		return SyncPlan{}, err
	}
	here, err := walkLocal(local, ig)
	if err != nil {
		return SyncPlan{}, err
	}
	there, exists, err := fs.walkRemote(ctx, remoteDir)
	if err != nil {
		return SyncPlan{}, err
	}
	plan := SyncPlan{Remote: remoteDir, Options: opts}
	if !exists {
		plan.Items = append(plan.Items, SyncItem{Path: "", Action: SyncMkdir, IsDir: true})
	}
	sends, err := fs.compare(ctx, local, remoteDir, here, there, opts)
	if err != nil {
		return SyncPlan{}, err
	}
	plan.Items = append(plan.Items, sends...)
	plan.Items = append(plan.Items, leftovers(here, there, ig, opts)...)
	return plan, nil
}

// checkSyncTarget accepts /usr, /bak and folders under them.
func checkSyncTarget(dir string) (string, error) {
	p, err := checkPath("sync", dir)
	if err != nil || p == "/usr" || p == "/bak" {
		return p, err
	}
	return checkWritable("sync", p)
}

func readIgnore(local iofs.FS) (*Ignore, error) {
	b, err := iofs.ReadFile(local, IgnoreFile)
	if errors.Is(err, iofs.ErrNotExist) {
		return ParseIgnore(""), nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", IgnoreFile, err)
	}
	return ParseIgnore(string(b)), nil
}

// walkLocal lists the local folder's files and folders, ignored ones left
// out (with what is inside them). Only regular files are sent.
func walkLocal(local iofs.FS, ig *Ignore) (map[string]entry, error) {
	out := map[string]entry{}
	err := iofs.WalkDir(local, ".", func(p string, d iofs.DirEntry, err error) error {
		if err != nil {
			return fmt.Errorf("reading the local folder: %w", err)
		}
		if p == "." {
			return nil
		}
		if ig.Ignored(p, d.IsDir()) {
			if d.IsDir() {
				return iofs.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			out[p] = entry{isDir: true}
			return nil
		}
		info, err := iofs.Stat(local, p)
		if err != nil || !info.Mode().IsRegular() {
			return nil // a link to a folder, a device: nothing to send
		}
		out[p] = entry{size: info.Size()}
		return nil
	})
	return out, err
}

// walkRemote lists the module's tree under dir; exists is false when dir
// is not there.
func (fs *FS) walkRemote(ctx context.Context, dir string) (map[string]entry, bool, error) {
	res, err := fs.execHelped(ctx, "import ujson\nprint(ujson.dumps("+hWalk+"("+pyPath(dir)+")))\n")
	if errors.Is(wrap("sync", dir, err), ErrNotFound) {
		return map[string]entry{}, false, nil
	}
	if err != nil {
		return nil, false, wrap("sync", dir, err)
	}
	var raw [][2]json.RawMessage
	if err := json.Unmarshal([]byte(lastLine(res.Stdout)), &raw); err != nil {
		return nil, false, &PathError{Op: "sync", Path: dir, Cause: ErrModule, Err: fmt.Errorf("unreadable listing: %w", err)}
	}
	out := map[string]entry{}
	for _, r := range raw {
		var name string
		var size int64
		if json.Unmarshal(r[0], &name) != nil || json.Unmarshal(r[1], &size) != nil {
			return nil, false, &PathError{Op: "sync", Path: dir, Cause: ErrModule, Err: fmt.Errorf("unreadable entry %s", r[0])}
		}
		rel := strings.TrimSuffix(name, "/")
		if !cleanRel(rel) {
			return nil, false, &PathError{Op: "sync", Path: dir, Cause: ErrModule, Err: fmt.Errorf("odd name %q", name)}
		}
		out[rel] = entry{isDir: strings.HasSuffix(name, "/"), size: max(size, 0)}
	}
	return out, true, nil
}

// cleanRel accepts a relative path of plain names: no "", ".", ".." and
// no control characters, so that joining it to the target folder stays
// inside it.
func cleanRel(rel string) bool {
	for _, part := range strings.Split(rel, "/") {
		if part == "" || part == "." || part == ".." || strings.ContainsFunc(part, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
			return false
		}
	}
	return true
}

// compare plans the local side: folders to make, files to send or
// leave. Files of equal size are compared by digest, all in one command.
func (fs *FS) compare(ctx context.Context, local iofs.FS, dir string, here, there map[string]entry, opts SyncOptions) ([]SyncItem, error) {
	var dirs, files []SyncItem
	var check []string
	for _, rel := range sortedKeys(here) {
		h, t := here[rel], there[rel]
		_, onModule := there[rel]
		switch {
		case onModule && h.isDir != t.isDir:
			return nil, &PathError{Op: "sync", Path: joinRemote(dir, rel), Cause: ErrSyncConflict}
		case h.isDir && !onModule:
			dirs = append(dirs, SyncItem{Path: rel, Action: SyncMkdir, IsDir: true})
		case h.isDir:
		case !onModule:
			files = append(files, SyncItem{Path: rel, Action: SyncAdd, Size: h.size})
		case opts.Force || h.size != t.size:
			files = append(files, SyncItem{Path: rel, Action: SyncChange, Size: h.size})
		default:
			check = append(check, rel)
		}
	}
	same, err := fs.sameFiles(ctx, local, dir, check)
	if err != nil {
		return nil, err
	}
	for _, rel := range check {
		action := SyncChange
		if same[rel] {
			action = SyncSame
		}
		files = append(files, SyncItem{Path: rel, Action: action, Size: here[rel].size})
	}
	sort.SliceStable(files, func(i, j int) bool { return files[i].Path < files[j].Path })
	return append(dirs, files...), nil
}

// sameFiles asks the module for the digests of rels and compares them
// with the local files: true where they match by a digest that can tell
// files apart.
func (fs *FS) sameFiles(ctx context.Context, local iofs.FS, dir string, rels []string) (map[string]bool, error) {
	same := map[string]bool{}
	if len(rels) == 0 {
		return same, nil
	}
	paths := make([]string, len(rels))
	for i, rel := range rels {
		paths[i] = joinRemote(dir, rel)
	}
	code := "import ujson\nprint(ujson.dumps([" + hDigest + "(_p) for _p in " + pyStrings(paths) + "]))\n"
	res, err := fs.execHelped(ctx, code)
	if err != nil {
		return nil, wrap("sync", dir, err)
	}
	var answers []string
	if err := json.Unmarshal([]byte(lastLine(res.Stdout)), &answers); err != nil || len(answers) != len(rels) {
		return nil, &PathError{Op: "sync", Path: dir, Cause: ErrModule, Err: fmt.Errorf("unreadable digests %q", res.Stdout)}
	}
	for i, rel := range rels {
		d, err := digestLocal(local, rel)
		if err != nil {
			return nil, err
		}
		equal, trusted := d.matches(answers[i])
		same[rel] = equal && trusted
	}
	return same, nil
}

func digestLocal(local iofs.FS, rel string) (*fileDigest, error) {
	f, err := local.Open(rel)
	if err != nil {
		return nil, fmt.Errorf("reading the local file %s: %w", rel, err)
	}
	defer f.Close()
	d := newDigest()
	if _, err := io.Copy(d, f); err != nil {
		return nil, fmt.Errorf("reading the local file %s: %w", rel, err)
	}
	return d, nil
}

// leftovers plans what the module has and the folder does not: kept, or
// removed with Delete, files first, then folders, deepest first. Ignored
// paths are neither listed nor removed, nor is a folder that holds one.
func leftovers(here, there map[string]entry, ig *Ignore, opts SyncOptions) []SyncItem {
	var files, dirs []SyncItem
	holdsKept := map[string]bool{}
	for _, rel := range sortedKeys(there) {
		if _, ok := here[rel]; ok {
			continue
		}
		t := there[rel]
		switch {
		case ig.Ignored(rel, t.isDir) || !opts.Delete:
			markParents(holdsKept, rel)
			if !ig.Ignored(rel, t.isDir) {
				files = append(files, SyncItem{Path: rel, Action: SyncKeep, IsDir: t.isDir, Size: t.size})
			}
		case t.isDir:
			dirs = append(dirs, SyncItem{Path: rel, Action: SyncRmdir, IsDir: true})
		default:
			files = append(files, SyncItem{Path: rel, Action: SyncDelete, Size: t.size})
		}
	}
	out := files
	for i := len(dirs) - 1; i >= 0; i-- {
		if !holdsKept[dirs[i].Path] {
			out = append(out, dirs[i])
		}
	}
	return out
}

// markParents marks every folder above rel.
func markParents(marks map[string]bool, rel string) {
	for i := strings.LastIndex(rel, "/"); i > 0; i = strings.LastIndex(rel[:i], "/") {
		marks[rel[:i]] = true
	}
}

func sortedKeys(m map[string]entry) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// joinRemote is the module path of rel under dir ("" is dir itself).
func joinRemote(dir, rel string) string {
	if rel == "" {
		return dir
	}
	return strings.TrimSuffix(dir, "/") + "/" + rel
}
