package prefstore

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"sync"
	"testing"
)

func open(t *testing.T, path string, from ...string) *Store {
	t.Helper()
	s, err := Open(path, from...)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(s.Flush) // before the temporary folder goes
	return s
}

func TestValuesSurviveAReopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "qpyhub", "preferences.json")
	s := open(t, path)
	s.SetBool("b", true)
	s.SetFloat("f", 1100.5)
	s.SetInt("i", -7)
	s.SetString("s", "串口 COM3")
	s.SetBoolList("bl", []bool{true, false})
	s.SetFloatList("fl", []float64{0.25, 3})
	s.SetIntList("il", []int{1, 2, 3})
	s.SetStringList("sl", []string{"myhub.azure-devices.net", "b"})
	s.Flush()

	r := open(t, path)
	if !r.Bool("b") || r.Float("f") != 1100.5 || r.Int("i") != -7 || r.String("s") != "串口 COM3" {
		t.Errorf("scalars after reopen: %v %v %v %q", r.Bool("b"), r.Float("f"), r.Int("i"), r.String("s"))
	}
	if got := r.BoolList("bl"); !reflect.DeepEqual(got, []bool{true, false}) {
		t.Errorf("BoolList = %v", got)
	}
	if got := r.FloatList("fl"); !reflect.DeepEqual(got, []float64{0.25, 3}) {
		t.Errorf("FloatList = %v", got)
	}
	if got := r.IntList("il"); !reflect.DeepEqual(got, []int{1, 2, 3}) {
		t.Errorf("IntList = %v", got)
	}
	if got := r.StringList("sl"); !reflect.DeepEqual(got, []string{"myhub.azure-devices.net", "b"}) {
		t.Errorf("StringList = %v", got)
	}
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if perm := info.Mode().Perm(); perm&0o077 != 0 && runtime.GOOS != "windows" {
		t.Errorf("file mode %v: readable by others", perm)
	}
}

func TestFallbacksAndWrongTypes(t *testing.T) {
	s := open(t, filepath.Join(t.TempDir(), "p.json"))
	s.SetString("n", "12")
	s.SetFloat("half", 1.5)
	if got := s.IntWithFallback("n", 4); got != 4 {
		t.Errorf("a string read as int = %d, want the fallback 4", got)
	}
	if got := s.IntWithFallback("half", 9); got != 9 {
		t.Errorf("1.5 read as int = %d, want the fallback 9", got)
	}
	if got := s.StringWithFallback("missing", "ports"); got != "ports" {
		t.Errorf("missing string = %q", got)
	}
	if got := s.StringListWithFallback("half", []string{"x"}); !reflect.DeepEqual(got, []string{"x"}) {
		t.Errorf("a float read as a list = %v", got)
	}
	if s.Bool("missing") || s.Float("missing") != 0 || s.IntList("missing") != nil {
		t.Error("missing keys must read as zero values")
	}
}

func TestEveryChangeIsWholeOnDiskAndLeavesNoTemporaryFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "preferences.json")
	s := open(t, path)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 25 {
				s.SetInt(fmt.Sprintf("g%d.k%d", g, i), i)
			}
		}()
	}
	wg.Wait()
	s.Flush()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatalf("file is not whole JSON: %v", err)
	}
	if len(m) != 200 {
		t.Errorf("file holds %d keys, want 200", len(m))
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("folder holds %v, want only preferences.json", names)
	}
}

// Setters return before the file is written; Flush waits for the write,
// and a burst of changes is written whole.
func TestFlushWaitsForTheLastChange(t *testing.T) {
	path := filepath.Join(t.TempDir(), "preferences.json")
	s := open(t, path)
	for i := range 50 {
		s.SetInt("n", i)
	}
	s.Flush()
	if got := open(t, path).Int("n"); got != 49 {
		t.Errorf("after Flush the file holds n=%d, want 49", got)
	}
	s.Flush() // nothing to write: returns at once
	m := InMemory()
	m.SetString("a", "b")
	m.Flush()
	if m.String("a") != "b" {
		t.Error("an in-memory store must keep values")
	}
}

func TestListenersHearChangesOnly(t *testing.T) {
	s := open(t, filepath.Join(t.TempDir(), "p.json"))
	calls := 0
	s.AddChangeListener(func() { calls++ })
	s.SetString("screen", "setup")
	s.SetString("screen", "setup") // unchanged: no write, no call
	s.RemoveValue("screen")
	s.RemoveValue("screen") // already gone
	if calls != 2 {
		t.Errorf("listener called %d times, want 2", calls)
	}
	if len(s.ChangeListeners()) != 1 {
		t.Errorf("ChangeListeners has %d, want 1", len(s.ChangeListeners()))
	}
}

func TestAnUnreadableFileIsKeptAsideNotOverwritten(t *testing.T) {
	path := filepath.Join(t.TempDir(), "preferences.json")
	garbage := []byte(`{"screen": "cred`)
	if err := os.WriteFile(path, garbage, 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := Open(path)
	t.Cleanup(s.Flush)
	if err == nil || !strings.Contains(err.Error(), path+".bad") {
		t.Fatalf("Open error = %v, want one naming %s.bad", err, path)
	}
	if s.String("screen") != "" {
		t.Error("a broken file must give defaults")
	}
	if got, _ := os.ReadFile(path); string(got) != string(garbage) {
		t.Errorf("Open changed the file to %q; opening must only read", got)
	}
	s.SetString("screen", "ports")
	s.Flush()
	kept, err := os.ReadFile(path + ".bad")
	if err != nil || string(kept) != string(garbage) {
		t.Errorf("kept file = %q, %v", kept, err)
	}
	if open(t, path).String("screen") != "ports" {
		t.Error("the store must write a fresh file after a broken one")
	}
}

func TestAnEmptyFileGivesDefaultsWithoutComplaint(t *testing.T) {
	path := filepath.Join(t.TempDir(), "preferences.json")
	if err := os.WriteFile(path, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if s := open(t, path); s.String("screen") != "" {
		t.Error("an empty file must give defaults")
	}
}

func TestAnEarlierVersionsFileIsReadButNotChanged(t *testing.T) {
	dir := t.TempDir()
	old := filepath.Join(dir, "fyne", "io.github.qpyhub", "preferences.json")
	if err := os.MkdirAll(filepath.Dir(old), 0o700); err != nil {
		t.Fatal(err)
	}
	oldData := []byte(`{"screen":"setup","window.width":1200}`)
	if err := os.WriteFile(old, oldData, 0o600); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "qpyhub", "preferences.json")
	s := open(t, path, old)
	if s.String("screen") != "setup" || s.Float("window.width") != 1200 {
		t.Fatalf("earlier values not read: %q %v", s.String("screen"), s.Float("window.width"))
	}
	s.SetString("screen", "console")
	s.Flush()
	if got, _ := os.ReadFile(old); string(got) != string(oldData) {
		t.Errorf("earlier file changed to %s", got)
	}
	r := open(t, path, old)
	if r.String("screen") != "console" || r.Float("window.width") != 1200 {
		t.Errorf("after reopen: %q %v; the new file must win and hold the earlier values", r.String("screen"), r.Float("window.width"))
	}
}

func TestAFailedWriteIsReportedAndTheValueKept(t *testing.T) {
	dir := t.TempDir()
	blocker := filepath.Join(dir, "qpyhub")
	if err := os.WriteFile(blocker, []byte("a file where the folder should be"), 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := Open(filepath.Join(blocker, "preferences.json"))
	t.Cleanup(s.Flush)
	if err == nil || s == nil {
		t.Fatalf("Open = %v, %v; want a usable store and the read error", s, err)
	}
	var got []error
	s.OnSaveError(func(err error) { got = append(got, err) })
	s.SetString("screen", "module")
	s.Flush()
	if len(got) != 1 || !strings.Contains(got[0].Error(), "preferences") {
		t.Fatalf("errors reported = %v, want one about saving preferences", got)
	}
	if s.String("screen") != "module" {
		t.Error("the value must be kept for this run")
	}
}
