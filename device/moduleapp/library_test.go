package moduleapp

import (
	"io/fs"
	"path"
	"regexp"
	"strings"
	"testing"

	"qpyhub/assets"
)

// The library and the examples run on module firmware (MicroPython
// 1.12), which refuses what the test peer (1.27) takes: checked in the
// source, as for the program (TestProgramSuitsOldFirmware).
func TestLibraryAndExamplesSuitOldFirmware(t *testing.T) {
	fString := regexp.MustCompile(`(^|[^A-Za-z0-9_])[fF][rR]?["']`)
	plainImport := regexp.MustCompile(`^\s*(import|from)\s+(hashlib|hmac|base64|json|time|os|sys|binascii)\b`)
	for name, src := range moduleSources(t) {
		if strings.Contains(string(src), "\t") {
			t.Errorf("%s has tabs", name)
		}
		lines := strings.Split(string(src), "\n")
		for i, line := range lines {
			code, _, _ := strings.Cut(line, "#")
			if fString.MatchString(code) {
				t.Errorf("%s:%d: an f-string: %s", name, i+1, line)
			}
			if m := plainImport.FindStringSubmatch(code); m != nil {
				// A plain name is allowed only as the fallback of a u-module.
				if m[2] == "hashlib" || m[2] == "hmac" || m[2] == "base64" || i == 0 || strings.TrimSpace(lines[i-1]) != "except ImportError:" {
					t.Errorf("%s:%d: imports %s: %s", name, i+1, m[2], line)
				}
			}
		}
	}
}

// The examples are written against the library's interface only, as the
// README shows it: what they call on a Hub and on the module.
func TestExamplesUseOnlyTheInterface(t *testing.T) {
	hubCalls := map[string]bool{"on_c2d": true, "on_method": true, "on_desired": true, "connect": true,
		"send": true, "report": true, "twin": true, "poll": true, "run": true, "close": true}
	moduleNames := map[string]bool{"Hub": true, "HubError": true}
	hubCall := regexp.MustCompile(`\bhub\.([A-Za-z_]+)`)
	moduleName := regexp.MustCompile(`\bqpyhub\.([A-Za-z_]+)`)
	examples := 0
	for name, src := range moduleSources(t) {
		if !strings.HasPrefix(name, "examples/") {
			continue
		}
		examples++
		var code []string
		for _, line := range strings.Split(string(src), "\n") {
			c, _, _ := strings.Cut(line, "#")
			code = append(code, c)
		}
		text := strings.Join(code, "\n")
		if !strings.Contains(text, "from usr import qpyhub") {
			t.Errorf("%s does not import the library as QuecPython does (from usr import qpyhub)", name)
		}
		for _, m := range hubCall.FindAllStringSubmatch(text, -1) {
			if !hubCalls[m[1]] {
				t.Errorf("%s calls hub.%s, which the interface lacks", name, m[1])
			}
		}
		for _, m := range moduleName.FindAllStringSubmatch(text, -1) {
			if !moduleNames[m[1]] {
				t.Errorf("%s uses qpyhub.%s, which the interface lacks", name, m[1])
			}
		}
	}
	if examples < 3 {
		t.Errorf("%d examples, want the telemetry loop, the reboot method and the desired setting", examples)
	}
}

// moduleSources answers the library and every example by their path
// under assets/module.
func moduleSources(t *testing.T) map[string][]byte {
	t.Helper()
	out := map[string][]byte{"qpyhub.py": assets.ModuleLibrary()}
	names, err := fs.Glob(assets.Module, "module/examples/*.py")
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range names {
		b, err := fs.ReadFile(assets.Module, n)
		if err != nil {
			t.Fatal(err)
		}
		out["examples/"+path.Base(n)] = b
	}
	return out
}
