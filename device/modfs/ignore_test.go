package modfs

import (
	"strings"
	"testing"
)

func TestIgnore(t *testing.T) {
	type path struct {
		rel     string
		dir     bool
		ignored bool
	}
	cases := []struct {
		name  string
		rules string
		paths []path
	}{
		{"nothing but the defaults", "", []path{
			{"main.py", false, false},
			{".qpyhubignore", false, true},
			{"lib/.qpyhubignore", false, false}, // only the top one is the ignore file
			{".git", true, true},
			{".git/config", false, true},
			{"lib/.git", true, true},
		}},
		{"a name matches at any depth", "*.log\nbuild", []path{
			{"a.log", false, true},
			{"logs/x/a.log", false, true},
			{"a.log.py", false, false},
			{"build", true, true},
			{"build", false, true},
			{"src/build/out.py", false, true},
			{"rebuild", true, false},
		}},
		{"a slash anchors", "/todo.txt\ndoc/frotz\n", []path{
			{"todo.txt", false, true},
			{"sub/todo.txt", false, false},
			{"doc/frotz", true, true},
			{"a/doc/frotz", true, false},
		}},
		{"a trailing slash means folders only", "frotz/\n", []path{
			{"frotz", true, true},
			{"frotz", false, false},
			{"a/frotz", true, true},
			{"a/frotz/b.py", false, true},
		}},
		{"negation, the last rule wins", "*.py\n!main.py\n", []path{
			{"main.py", false, false},
			{"app.py", false, true},
			{"lib/main.py", false, false},
		}},
		{"nothing comes back from a left-out folder", "secrets/\n!secrets/keep.json\n", []path{
			{"secrets/keep.json", false, true},
			{"secrets", true, true},
		}},
		{"a folder's content left out, then some of it back", "data/*\n!data/keep.json\n", []path{
			{"data/keep.json", false, false},
			{"data/other.json", false, true},
			{"data", true, false},
		}},
		{"double stars", "**/foo\nabc/**\na/**/b\n", []path{
			{"foo", false, true},
			{"x/y/foo", false, true},
			{"abc", true, false},
			{"abc/x", false, true},
			{"abc/x/y", false, true},
			{"a/b", false, true},
			{"a/x/b", false, true},
			{"a/x/y/b", false, true},
			{"a/xb", false, false},
		}},
		{"character classes and ?", "log[0-9].txt\nv?.py\n[!a-c]*.bin\n", []path{
			{"log7.txt", false, true},
			{"logx.txt", false, false},
			{"v1.py", false, true},
			{"v10.py", false, false},
			{"d.bin", false, true},
			{"b.bin", false, false},
		}},
		{"comments, blanks, escapes, spaces", "# comment\n\n\\#hash\n\\!bang\ntrail   \nkeep\\ \r\n", []path{
			{"# comment", false, false},
			{"#hash", false, true},
			{"!bang", false, true},
			{"trail", false, true},
			{"keep ", false, true},
			{"keep", false, false},
		}},
		{"names that are not ASCII", "配置*.json\n?组.py\n", []path{
			{"配置.json", false, true},
			{"配置_old.json", false, true},
			{"模组.py", false, true},
			{"模组组.py", false, false},
		}},
		{"a class never closed matches nothing", "a[bc\n", []path{
			{"a[bc", false, false},
			{"ab", false, false},
		}},
	}
	for _, tc := range cases {
		ig := ParseIgnore(tc.rules)
		for _, p := range tc.paths {
			if got := ig.Ignored(p.rel, p.dir); got != p.ignored {
				t.Errorf("%s: Ignored(%q, dir %v) = %v, want %v", tc.name, p.rel, p.dir, got, p.ignored)
			}
		}
	}
}

func FuzzIgnore(f *testing.F) {
	f.Add("*.log\n!a/**/b[0-9]?\n/x/", "a/c/b1z.log")
	f.Fuzz(func(t *testing.T, rules, rel string) {
		ig := ParseIgnore(rules)
		got := ig.Ignored(rel, false)
		// A folder's content never comes back once the folder is out.
		if i := strings.LastIndex(strings.Trim(rel, "/"), "/"); i > 0 && ig.Ignored(strings.Trim(rel, "/")[:i], true) && !got {
			t.Fatalf("%q is out but %q inside it is not, with %q", rel[:i], rel, rules)
		}
	})
}
