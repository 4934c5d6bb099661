package moduleapp

import (
	"path"
	"regexp"
	"strings"
	"testing"

	"qpyhub/assets"
)

// The test peer runs MicroPython 1.27, which takes what module firmware
// (1.12) refuses, so these are checked in the source: no f-strings, and
// no module that some firmware lacks.
func TestProgramSuitsOldFirmware(t *testing.T) {
	fString := regexp.MustCompile(`(^|[^A-Za-z0-9_])[fF][rR]?["']`)
	plainImport := regexp.MustCompile(`^\s*(import|from)\s+(hashlib|hmac|base64|json|time|os|sys|binascii)\b`)
	for name, src := range map[string][]byte{"qpyhub_app.py": assets.ModuleProgram(), "main.py": assets.ModuleMain()} {
		if len(src) == 0 {
			t.Fatalf("%s is empty", name)
		}
		lines := strings.Split(string(src), "\n")
		for i, line := range lines {
			code := line
			if j := strings.Index(code, "#"); j >= 0 {
				code = code[:j]
			}
			if fString.MatchString(code) {
				t.Errorf("%s:%d: an f-string: %s", name, i+1, line)
			}
			// A plain name is allowed only as the fallback of a u-module.
			if m := plainImport.FindStringSubmatch(code); m != nil {
				prev := ""
				if i > 0 {
					prev = strings.TrimSpace(lines[i-1])
				}
				if m[2] == "hashlib" || m[2] == "hmac" || m[2] == "base64" || prev != "except ImportError:" {
					t.Errorf("%s:%d: imports %s: %s", name, i+1, m[2], line)
				}
			}
		}
	}
	if strings.Contains(string(assets.ModuleProgram()), "\t") {
		t.Errorf("qpyhub_app.py has tabs")
	}
}

// The library reads its config and keeps its DPS assignment where the PC
// side writes and removes them; main.py imports the program, and the
// program the library, by the names the setup writes them under.
func TestProgramPathsMatchTheConstants(t *testing.T) {
	library := string(assets.ModuleLibrary())
	for name, want := range map[string]string{"CONFIG_PATH": ConfigPath, "ASSIGNMENT_PATH": DPSStatePath} {
		line := name + " = '" + want + "'"
		if !strings.Contains(library, "\n"+line+"\n") {
			t.Errorf("qpyhub.py does not say %s", line)
		}
	}
	module := strings.TrimSuffix(path.Base(ProgramPath), ".py")
	if !strings.Contains(string(assets.ModuleMain()), "import "+module+"\n") {
		t.Errorf("main.py does not import %s", module)
	}
	lib := strings.TrimSuffix(path.Base(LibraryPath), ".py")
	if !strings.Contains(string(assets.ModuleProgram()), "import "+lib+"\n") {
		t.Errorf("qpyhub_app.py does not import %s", lib)
	}
	for _, p := range []string{ConfigPath, ProgramPath, LibraryPath, MainPath, BackupPath, DPSStatePath} {
		if path.Dir(p) != Dir {
			t.Errorf("%s is not in %s", p, Dir)
		}
	}
}
