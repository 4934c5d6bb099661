package ui

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// postBinder is the one file that hands fyne.Do to the screens.
const postBinder = "ui/mainwindow.go"

// TestOnlyTheWindowBindsFyneDo reads the window's sources: a screen that
// called fyne.Do (or fyne.DoAndWait) itself would run its updates where a
// test's post function cannot reach them. Only the main window binds it,
// once, and hands the same post function to every screen.
func TestOnlyTheWindowBindsFyneDo(t *testing.T) {
	var found []string
	for _, dir := range []string{"ui", "app/desktop"} {
		err := filepath.WalkDir(filepath.Join("..", dir), func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") {
				return err
			}
			uses, err := callsFyneDo(path)
			if err != nil {
				return err
			}
			if uses {
				rel, _ := filepath.Rel("..", path)
				found = append(found, filepath.ToSlash(rel))
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if !slices.Equal(found, []string{postBinder}) {
		t.Errorf("files that mention fyne.Do or fyne.DoAndWait: %v; want only %s", found, postBinder)
	}
}

// callsFyneDo tells whether the Go file at path refers to Fyne's Do or
// DoAndWait, under whatever name it imports fyne.io/fyne/v2.
func callsFyneDo(path string) (bool, error) {
	f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.SkipObjectResolution)
	if err != nil {
		return false, err
	}
	name := ""
	for _, imp := range f.Imports {
		if p, _ := strconv.Unquote(imp.Path.Value); p == "fyne.io/fyne/v2" {
			name = "fyne"
			if imp.Name != nil {
				name = imp.Name.Name
			}
		}
	}
	if name == "" {
		return false, nil
	}
	uses := false
	ast.Inspect(f, func(n ast.Node) bool {
		if sel, ok := n.(*ast.SelectorExpr); ok {
			if x, ok := sel.X.(*ast.Ident); ok && x.Name == name && (sel.Sel.Name == "Do" || sel.Sel.Name == "DoAndWait") {
				uses = true
			}
		}
		return !uses
	})
	return uses, nil
}
