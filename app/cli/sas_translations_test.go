package cli

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"qpyhub/assets"
	"qpyhub/cloud"
)

// sasSourceTexts collects every English text the sas command can show:
// lang.L literals and reason constants in its files, the reasons of
// package cloud, the expiry presets and the command summary.
func sasSourceTexts(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob("sas_*.go")
	if err != nil {
		t.Fatal(err)
	}
	texts := append(cloud.Reasons(), "Make SAS credentials, or decode a token")
	for _, p := range cloud.ExpiryPresets() {
		texts = append(texts, p.Label)
	}
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			texts = append(texts, sourceText(n)...)
			return true
		})
	}
	return texts
}

// sourceText returns the text of a lang.L call or a reason constant.
func sourceText(n ast.Node) []string {
	var lit ast.Expr
	switch n := n.(type) {
	case *ast.CallExpr:
		if sel, ok := n.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "L" && len(n.Args) > 0 {
			if id, ok := sel.X.(*ast.Ident); ok && id.Name == "lang" {
				lit = n.Args[0]
			}
		}
	case *ast.ValueSpec:
		if len(n.Names) == 1 && strings.HasPrefix(n.Names[0].Name, "reason") && len(n.Values) == 1 {
			lit = n.Values[0]
		}
	}
	bl, ok := lit.(*ast.BasicLit)
	if !ok || bl.Kind != token.STRING {
		return nil
	}
	s, err := strconv.Unquote(bl.Value)
	if err != nil {
		return nil
	}
	return []string{s}
}

func TestSASTranslationsComplete(t *testing.T) {
	texts := sasSourceTexts(t)
	if len(texts) < 40 {
		t.Fatalf("found only %d texts; the scan is broken", len(texts))
	}
	for _, lang := range []string{"en", "zh_Hans"} {
		data, err := assets.Translations.ReadFile("translations/sas." + lang + ".json")
		if err != nil {
			t.Fatal(err)
		}
		var table map[string]string
		if err := json.Unmarshal(data, &table); err != nil {
			t.Fatalf("sas.%s.json: %v", lang, err)
		}
		for _, text := range texts {
			got, ok := table[text]
			switch {
			case !ok:
				t.Errorf("sas.%s.json lacks %q", lang, text)
			case lang == "en" && got != text:
				t.Errorf("sas.en.json: %q maps to %q", text, got)
			case lang != "en" && (got == "" || got == text):
				t.Errorf("sas.%s.json: %q is not translated", lang, text)
			}
		}
	}
}
