package modfs

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// Entry is one name in a module folder.
type Entry struct {
	Name  string
	Size  int64 // bytes; 0 for folders
	IsDir bool
}

// listCode prints one JSON list of [name, isdir, size]; listdir and stat
// exist on every firmware, ilistdir's tuple shape does not.
const listCode = `import ujson
def _qpy_ls(p):
    out = []
    for n in uos.listdir(p):
        st = uos.stat(p.rstrip('/') + '/' + n)
        d = 1 if st[0] & 0x4000 else 0
        out.append([n, d, 0 if d else st[6]])
    print(ujson.dumps(out))
try:
    _qpy_ls(%s)
finally:
    del _qpy_ls
`

// List answers the entries of dir, folders first, then by name.
func (fs *FS) List(ctx context.Context, dir string) ([]Entry, error) {
	dir, err := checkPath("list", dir)
	if err != nil {
		return nil, err
	}
	res, err := fs.exec(ctx, fmt.Sprintf(listCode, pyPath(dir)))
	if err != nil {
		return nil, wrap("list", dir, err)
	}
	var raw [][]json.RawMessage
	if err := json.Unmarshal([]byte(lastLine(res.Stdout)), &raw); err != nil {
		return nil, &PathError{Op: "list", Path: dir, Cause: ErrModule, Err: fmt.Errorf("unreadable answer %q: %w", res.Stdout, err)}
	}
	entries := make([]Entry, 0, len(raw))
	for _, r := range raw {
		var e Entry
		var isDir int
		if len(r) != 3 || json.Unmarshal(r[0], &e.Name) != nil || json.Unmarshal(r[1], &isDir) != nil || json.Unmarshal(r[2], &e.Size) != nil {
			return nil, &PathError{Op: "list", Path: dir, Cause: ErrModule, Err: fmt.Errorf("unreadable entry in %q", res.Stdout)}
		}
		e.IsDir = isDir == 1
		entries = append(entries, e)
	}
	sort.Slice(entries, func(i, j int) bool {
		if entries[i].IsDir != entries[j].IsDir {
			return entries[i].IsDir
		}
		return entries[i].Name < entries[j].Name
	})
	return entries, nil
}

// Stat answers what is at path: a file with its size, or a folder.
func (fs *FS) Stat(ctx context.Context, path string) (Entry, error) {
	path, err := checkPath("stat", path)
	if err != nil {
		return Entry{}, err
	}
	res, err := fs.exec(ctx, "_qpyst = uos.stat("+pyPath(path)+")\nprint(1 if _qpyst[0] & 0x4000 else 0, _qpyst[6])\ndel _qpyst\n")
	if err != nil {
		return Entry{}, wrap("stat", path, err)
	}
	e := Entry{Name: path[strings.LastIndex(path, "/")+1:]}
	var isDir int
	if _, err := fmt.Sscan(lastLine(res.Stdout), &isDir, &e.Size); err != nil {
		return Entry{}, &PathError{Op: "stat", Path: path, Cause: ErrModule, Err: fmt.Errorf("unreadable answer %q", res.Stdout)}
	}
	e.IsDir = isDir == 1
	if e.IsDir {
		e.Size = 0
	}
	return e, nil
}

// lastLine answers the last non-empty line of output.
func lastLine(out string) string {
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	return strings.TrimSpace(lines[len(lines)-1])
}
