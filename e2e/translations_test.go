package e2e

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"qpyhub/app/cli"
	"qpyhub/app/netproxy"
	"qpyhub/app/provision"
	"qpyhub/assets"
	"qpyhub/cloud"
	"qpyhub/cloud/blobstore"
	"qpyhub/cloud/dps"
	"qpyhub/cloud/hubclient"
	"qpyhub/cloud/registry"
	"qpyhub/device/modfs"
	"qpyhub/device/ports"
	"qpyhub/device/probe"
	"qpyhub/device/repl"
)

// languages are the translations every key must have.
var languages = []string{"en", "zh_Hans"}

// loadBundles reads assets/translations into one key set per language.
func loadBundles(t *testing.T) map[string]map[string]string {
	t.Helper()
	out := map[string]map[string]string{}
	for _, l := range languages {
		out[l] = map[string]string{}
	}
	err := fs.WalkDir(assets.Translations, "translations", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		base := strings.TrimSuffix(filepath.Base(path), ".json")
		l := base[strings.LastIndex(base, ".")+1:]
		bundle, ok := out[l]
		if !ok {
			t.Errorf("%s: language %q is not one of %v", path, l, languages)
			return nil
		}
		data, err := fs.ReadFile(assets.Translations, path)
		if err != nil {
			return err
		}
		var m map[string]string
		if err := json.Unmarshal(data, &m); err != nil {
			t.Errorf("%s: %v", path, err)
			return nil
		}
		for k, v := range m {
			if prev, dup := bundle[k]; dup && prev != v {
				t.Errorf("%s: key %q translated twice, differently", path, k)
			}
			if strings.TrimSpace(v) == "" {
				t.Errorf("%s: key %q has an empty translation", path, k)
			}
			bundle[k] = v
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// sourceKeys finds every literal passed to lang.L, lang.X or lang.N in the
// project's Go files (tests excluded).
func sourceKeys(t *testing.T) map[string]string {
	t.Helper()
	keys := map[string]string{}
	root := ".."
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "node_modules" || strings.HasPrefix(d.Name(), ".")) && path != root {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		ast.Inspect(f, func(n ast.Node) bool {
			// The Setup screen's field hints are constants of type
			// fieldHint, shown through lang.L by describeError.
			if spec, ok := n.(*ast.ValueSpec); ok {
				if typ, ok := spec.Type.(*ast.Ident); ok && typ.Name == "fieldHint" {
					for _, v := range spec.Values {
						if lit, ok := v.(*ast.BasicLit); ok && lit.Kind == token.STRING {
							if s, err := strconv.Unquote(lit.Value); err == nil {
								keys[s] = fset.Position(lit.Pos()).String()
							}
						}
					}
				}
				return true
			}
			call, ok := n.(*ast.CallExpr)
			if !ok || len(call.Args) == 0 {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			if pkg, ok := sel.X.(*ast.Ident); !ok || pkg.Name != "lang" {
				return true
			}
			switch sel.Sel.Name {
			case "L", "X", "N", "Localize", "LocalizeKey", "LocalizePlural":
			default:
				return true
			}
			if lit, ok := call.Args[0].(*ast.BasicLit); ok && lit.Kind == token.STRING {
				if s, err := strconv.Unquote(lit.Value); err == nil {
					keys[s] = fset.Position(lit.Pos()).String()
				}
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return keys
}

// dynamicKeys are English texts that reach lang.L through a variable: the
// reasons and advice of cloud's field errors, preset labels, command
// summaries.
func dynamicKeys() []string {
	var keys []string
	for _, r := range cloud.Reasons() {
		keys = append(keys, r)
		if a := (&cloud.FieldError{Reason: r}).Advice(); a != "" {
			keys = append(keys, a)
		}
	}
	for _, p := range cloud.ExpiryPresets() {
		keys = append(keys, p.Label)
	}
	keys = append(keys, probe.Phrases()...)
	keys = append(keys, repl.Phrases()...)
	keys = append(keys, modfs.Phrases()...)
	keys = append(keys, hubclient.Reasons()...)
	keys = append(keys, provision.Phrases()...)
	keys = append(keys, registry.Reasons()...)
	keys = append(keys, blobstore.Reasons()...)
	keys = append(keys, dps.Reasons()...)
	keys = append(keys, netproxy.Reasons()...)
	keys = append(keys, ports.Labels()...)
	keys = append(keys, ports.Phrases()...)
	keys = append(keys, cli.Phrases()...)
	for _, err := range []error{modfs.ErrNotFound, modfs.ErrExists, modfs.ErrNotEmpty, modfs.ErrIsDir, modfs.ErrNotDir,
		modfs.ErrNoSpace, modfs.ErrReadOnly, modfs.ErrCorrupted, modfs.ErrBadPath, modfs.ErrOutside, modfs.ErrModule, modfs.ErrLocalChanged} {
		keys = append(keys, err.Error()) // the Module screens show them through lang.L
	}
	return keys
}

func TestEveryKeyInBothLanguages(t *testing.T) {
	bundles := loadBundles(t)
	for _, a := range languages {
		for _, b := range languages {
			for k := range bundles[a] {
				if _, ok := bundles[b][k]; !ok {
					t.Errorf("key %q is in %s but not in %s", k, a, b)
				}
			}
		}
	}
}

func TestEveryShownStringIsTranslated(t *testing.T) {
	bundles := loadBundles(t)
	want := sourceKeys(t)
	for _, k := range dynamicKeys() {
		if _, ok := want[k]; !ok {
			want[k] = "(dynamic)"
		}
	}
	var missing []string
	for k, where := range want {
		for _, l := range languages {
			if _, ok := bundles[l][k]; !ok {
				missing = append(missing, l+"\t"+where+"\t"+strconv.Quote(k))
			}
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		if path := os.Getenv("QPYHUB_MISSING_KEYS"); path != "" {
			_ = os.WriteFile(path, []byte(strings.Join(missing, "\n")+"\n"), 0o644)
		}
		t.Errorf("%d translations missing:\n%s", len(missing), strings.Join(missing, "\n"))
	}
}
