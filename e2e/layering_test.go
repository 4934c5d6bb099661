package e2e

import (
	"bufio"
	"bytes"
	"os/exec"
	"path"
	"sort"
	"strings"
	"testing"
)

// windowPackages may import fyne.io/fyne/v2/app: the one place that
// starts the window.
var windowPackages = map[string]bool{"qpyhub/app/desktop": true}

// fyneApp is Fyne's app package, spelled in two parts so that a search
// for its quoted import path finds the packages that import it, not this
// test.
var fyneApp = path.Join("fyne.io/fyne/v2", "app")

// rule forbids packages matching from to depend (directly or not) on
// packages matching to.
type rule struct {
	why      string
	from     func(string) bool
	to       func(string) bool
	indirect bool // false: only direct imports count
}

func under(prefixes ...string) func(string) bool {
	return func(p string) bool {
		for _, x := range prefixes {
			if p == x || strings.HasPrefix(p, x+"/") {
				return true
			}
		}
		return false
	}
}

// core is every package that must stay free of widgets: device, cloud,
// assets and the widget-free rooms of app.
func core(p string) bool {
	return under("qpyhub/device", "qpyhub/cloud", "qpyhub/assets", "qpyhub/app/provision",
		"qpyhub/app/applog", "qpyhub/app/prefstore", "qpyhub/app/secretstore",
		"qpyhub/app/settings", "qpyhub/app/netproxy", "qpyhub/app/explain", "qpyhub/app/ota")(p)
}

// rooms is the composition root and the two rooms it starts.
func rooms(p string) bool {
	return p == "qpyhub/app" || under("qpyhub/app/cli", "qpyhub/app/desktop")(p)
}

// fyneBeyondText is any part of Fyne but its root package and lang: the
// command line may translate, nothing more, so that it builds without cgo
// and runs where there is no display.
func fyneBeyondText(p string) bool {
	return under("fyne.io")(p) && p != "fyne.io/fyne/v2" && p != "fyne.io/fyne/v2/lang"
}

var rules = []rule{
	{"device never imports Fyne", under("qpyhub/device"), under("fyne.io"), true},
	{"cloud never imports Fyne", under("qpyhub/cloud"), under("fyne.io"), true},
	{"device never imports cloud", under("qpyhub/device"), under("qpyhub/cloud"), true},
	{"cloud never imports device", under("qpyhub/cloud"), under("qpyhub/device"), true},
	{"the core never imports the screens", core, under("qpyhub/ui"), true},
	{"the core never imports the composition root", core, rooms, true},
	{"the screens never import the composition root", under("qpyhub/ui"), rooms, true},
	{"the core uses no Fyne but translations", core, fyneBeyondText, true},
	{"the command line never imports the screens", under("qpyhub/app/cli"), under("qpyhub/ui", "qpyhub/app/desktop"), true},
	{"the command line uses no Fyne but translations", under("qpyhub/app/cli"), fyneBeyondText, true},
	{"the window never imports the command line", under("qpyhub/app/desktop"), under("qpyhub/app/cli"), true},
	{"only the window's package imports Fyne's app package",
		func(p string) bool { return !windowPackages[p] },
		func(p string) bool { return p == fyneApp }, false},
}

// graph maps a package to its direct imports and to all its dependencies.
type graph struct {
	direct map[string][]string
	deps   map[string][]string
}

// violations lists "pkg -> dep: why" for every broken rule.
func violations(g graph, rules []rule) []string {
	var out []string
	for pkg := range g.direct {
		for _, r := range rules {
			if !r.from(pkg) {
				continue
			}
			list := g.direct[pkg]
			if r.indirect {
				list = g.deps[pkg]
			}
			for _, dep := range list {
				if dep != pkg && r.to(dep) {
					out = append(out, pkg+" -> "+dep+": "+r.why)
				}
			}
		}
	}
	sort.Strings(out)
	return out
}

func goList(t *testing.T, format string) map[string][]string {
	t.Helper()
	cmd := exec.Command("go", "list", "-f", format, "qpyhub/...")
	cmd.Dir = ".."
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, stderr.String())
	}
	m := map[string][]string{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) > 0 {
			m[f[0]] = f[1:]
		}
	}
	return m
}

func TestLayering(t *testing.T) {
	g := graph{
		direct: goList(t, `{{.ImportPath}} {{join .Imports " "}}`),
		deps:   goList(t, `{{.ImportPath}} {{join .Deps " "}}`),
	}
	if len(g.direct) < 10 {
		t.Fatalf("go list found only %d packages", len(g.direct))
	}
	for p := range windowPackages {
		if _, ok := g.direct[p]; !ok {
			t.Errorf("window package %s does not exist: update windowPackages", p)
		}
	}
	for _, v := range violations(g, rules) {
		t.Error(v)
	}
}

// The checker itself: each rule catches a forbidden import when one is
// added, and lets the allowed shape through.
func TestLayeringRulesCatchForbiddenImports(t *testing.T) {
	allowed := graph{
		direct: map[string][]string{
			"qpyhub/app":           {"qpyhub/app/cli", "qpyhub/app/desktop"},
			"qpyhub/app/desktop":   {fyneApp, "qpyhub/ui", "qpyhub/app/provision"},
			"qpyhub/app/cli":       {"fyne.io/fyne/v2/lang", "qpyhub/app/settings", "qpyhub/app/provision"},
			"qpyhub/app/settings":  {"fyne.io/fyne/v2", "fyne.io/fyne/v2/lang", "qpyhub/app/netproxy"},
			"qpyhub/ui":            {"fyne.io/fyne/v2", "qpyhub/app/provision", "qpyhub/device/ports"},
			"qpyhub/app/provision": {"qpyhub/device/repl", "qpyhub/cloud"},
			"qpyhub/device/repl":   {"go.bug.st/serial"},
			"qpyhub/cloud/hubsim":  {"qpyhub/cloud"},
		},
	}
	allowed.deps = allowed.direct
	if v := violations(allowed, rules); len(v) != 0 {
		t.Fatalf("allowed graph reported: %v", v)
	}
	bad := []struct{ pkg, dep string }{
		{"qpyhub/device/repl", "fyne.io/fyne/v2"},
		{"qpyhub/cloud/hubsim", "fyne.io/fyne/v2/widget"},
		{"qpyhub/device/modfs", "qpyhub/cloud"},
		{"qpyhub/cloud/registry", "qpyhub/device/ports"},
		{"qpyhub/app/provision", "qpyhub/ui"},
		{"qpyhub/device/probe", "qpyhub/app"},
		{"qpyhub/ui", "qpyhub/app"},
		{"qpyhub/ui", fyneApp},
		{"qpyhub/app", fyneApp},
		{"qpyhub/app/cli", "qpyhub/ui"},
		{"qpyhub/app/cli", "fyne.io/fyne/v2/widget"},
		{"qpyhub/app/cli", "qpyhub/app/desktop"},
		{"qpyhub/app/desktop", "qpyhub/app/cli"},
		{"qpyhub/app/settings", "fyne.io/fyne/v2/widget"},
		{"qpyhub/app/provision", "qpyhub/app/cli"},
	}
	for _, b := range bad {
		g := graph{direct: map[string][]string{}, deps: map[string][]string{}}
		for k, v := range allowed.direct {
			g.direct[k] = v
		}
		g.direct[b.pkg] = append(append([]string{}, g.direct[b.pkg]...), b.dep)
		g.deps = g.direct
		if v := violations(g, rules); len(v) == 0 {
			t.Errorf("%s importing %s was not reported", b.pkg, b.dep)
		}
	}
}
