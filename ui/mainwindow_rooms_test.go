package ui

import (
	"go/parser"
	"go/token"
	"io/fs"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// roomImports says which of the window's packages each room under ui may
// import: the big screens only what screens share, the shared parts no
// screen at all. ui itself (the main window) imports them all.
var roomImports = map[string][]string{
	"qpyhub/ui/console":         {"qpyhub/ui/widgets", "qpyhub/ui/internal/uitest"},
	"qpyhub/ui/setup":           {"qpyhub/ui/widgets", "qpyhub/ui/internal/uitest"},
	"qpyhub/ui/module":          {"qpyhub/ui/widgets", "qpyhub/ui/internal/uitest"},
	"qpyhub/ui/devices":         {"qpyhub/ui/widgets", "qpyhub/ui/internal/uitest"},
	"qpyhub/ui/updates":         {"qpyhub/ui/widgets", "qpyhub/ui/internal/uitest"},
	"qpyhub/ui/widgets":         {},
	"qpyhub/ui/internal/uitest": {},
	"qpyhub/ui/zhcheck":         {"qpyhub/ui"},
}

// TestRoomsKeepApart reads the imports of every Go file under ui: a room
// that imported the main window or another screen would tie the rooms
// back into one.
func TestRoomsKeepApart(t *testing.T) {
	seen := map[string]bool{}
	err := filepath.WalkDir(".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".go") || filepath.Dir(p) == "." {
			return err
		}
		pkg := path.Join("qpyhub/ui", filepath.ToSlash(filepath.Dir(p)))
		allowed, known := roomImports[pkg]
		if !known {
			t.Errorf("%s: package %s has no rule in roomImports", p, pkg)
			return nil
		}
		seen[pkg] = true
		f, err := parser.ParseFile(token.NewFileSet(), p, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		for _, imp := range f.Imports {
			dep, _ := strconv.Unquote(imp.Path.Value)
			if (dep == "qpyhub/ui" || strings.HasPrefix(dep, "qpyhub/ui/")) && !slices.Contains(allowed, dep) {
				t.Errorf("%s imports %s: %s may import only %v of the window's packages", p, dep, pkg, allowed)
			}
			if dep == "qpyhub/ui/internal/uitest" && !strings.HasSuffix(p, "_test.go") {
				t.Errorf("%s imports %s, which is for tests only", p, dep)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for pkg := range roomImports {
		if !seen[pkg] {
			t.Errorf("no Go file found for %s: the walk is broken or the room is gone", pkg)
		}
	}
}
