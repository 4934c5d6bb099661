package ota

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeTree makes files (relative path → content) under dir.
func writeTree(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for rel, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func digest(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// packed packs dir and opens the result.
func packed(t *testing.T, dir, version string) *Bundle {
	t.Helper()
	file := filepath.Join(t.TempDir(), "app.qpy.zip")
	if _, err := PackFile(dir, version, file); err != nil {
		t.Fatalf("PackFile: %v", err)
	}
	b, err := OpenBundle(file)
	if err != nil {
		t.Fatalf("OpenBundle: %v", err)
	}
	return b
}

func TestPackThenOpen(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{
		"main.py":          "import lib.util\n",
		"lib/util.py":      "X = 1\n",
		"debug.log":        "left out\n",
		"tests/t.py":       "left out\n",
		".qpyhubignore":    "*.log\ntests/\n",
		"config/keep.json": "{}",
	})
	if err := os.Symlink(filepath.Join(dir, "main.py"), filepath.Join(dir, "alias.py")); err != nil {
		t.Fatal(err)
	}
	b := packed(t, dir, "1.2.0")
	var paths []string
	for _, f := range b.Manifest.Files {
		paths = append(paths, f.Path)
	}
	want := "/usr/alias.py /usr/config/keep.json /usr/lib/util.py /usr/main.py"
	if got := strings.Join(paths, " "); got != want || b.Manifest.Version != "1.2.0" || b.Manifest.Format != ManifestFormat {
		t.Fatalf("manifest %+v, want paths %s", b.Manifest, want)
	}
	for _, f := range b.Manifest.Files {
		if f.Path == "/usr/lib/util.py" && (f.Size != 6 || f.SHA256 != digest("X = 1\n")) {
			t.Errorf("util.py listed as %+v", f)
		}
	}
	got, err := b.ReadFile("/usr/alias.py")
	if err != nil || string(got) != "import lib.util\n" {
		t.Fatalf("ReadFile alias.py: %q %v, want main.py's bytes (a link inside the folder)", got, err)
	}
	if _, err := b.Open("/usr/debug.log"); err == nil {
		t.Fatal("an ignored file is in the bundle")
	}
}

func TestPackRefuses(t *testing.T) {
	outside := filepath.Join(t.TempDir(), "secret.py")
	writeTree(t, filepath.Dir(outside), map[string]string{"secret.py": "k = 1\n"})
	big := strings.Repeat("x", MaxBundleFile+1)
	nearlyBig := strings.Repeat("y", MaxBundleFile)
	tests := []struct {
		name    string
		files   map[string]string
		link    string // alias.py → this, when set
		version string
		want    string
	}{
		{"empty folder", nil, "", "1", "has no files"},
		{"everything ignored", map[string]string{"a.py": "", ".qpyhubignore": "*.py\n"}, "", "1", "has no files"},
		{"link out of the folder", map[string]string{"a.py": ""}, outside, "1", "outside the folder"},
		{"file over 1 MiB", map[string]string{"big.bin": big}, "", "1", "at most 1 MiB per file"},
		{"over 4 MiB in all", map[string]string{"1": nearlyBig, "2": nearlyBig, "3": nearlyBig, "4": nearlyBig, "5": "z"}, "", "1", "more than 4 MiB"},
		{"the update's own folder", map[string]string{".qpyhub_ota/x": ""}, "", "1", "where updates keep their own files"},
		{"the update guard", map[string]string{"qpyhub_guard.py": "", "main.py": ""}, "", "1", "the update guard"},
		{"bad version", map[string]string{"a.py": ""}, "", "1 2", "version"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			writeTree(t, dir, tc.files)
			if tc.link != "" {
				if err := os.Symlink(tc.link, filepath.Join(dir, "alias.py")); err != nil {
					t.Fatal(err)
				}
			}
			file := filepath.Join(t.TempDir(), "b.zip")
			_, err := PackFile(dir, tc.version, file)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("PackFile: %v, want an error saying %q", err, tc.want)
			}
			if _, serr := os.Stat(file); !errors.Is(serr, os.ErrNotExist) {
				t.Fatalf("a refused pack left %s behind", file)
			}
		})
	}
}

// zipOf builds a zip by hand, entries in order.
func zipOf(t *testing.T, entries ...[2]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range entries {
		w, err := zw.Create(e[0])
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(e[1])); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func manifestOf(t *testing.T, files ...File) string {
	t.Helper()
	b, err := json.Marshal(Manifest{Format: ManifestFormat, Version: "2.0", Files: files})
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestReadBundleRefuses(t *testing.T) {
	app := "print('v2')\n"
	good := File{Path: "/usr/app.py", Size: int64(len(app)), SHA256: digest(app)}
	m := manifestOf(t, good)
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"not a zip", []byte("hello"), "not a zip"},
		{"no manifest", zipOf(t, [2]string{"files/app.py", app}), "has no manifest.json"},
		{"manifest not JSON", zipOf(t, [2]string{"manifest.json", "{"}), "not valid JSON"},
		{"file altered", zipOf(t, [2]string{"manifest.json", m}, [2]string{"files/app.py", "print('v3')\n"}), "sha256 mismatch for /usr/app.py"},
		{"file longer", zipOf(t, [2]string{"manifest.json", m}, [2]string{"files/app.py", app + "#"}), "more than"},
		{"file shorter", zipOf(t, [2]string{"manifest.json", m}, [2]string{"files/app.py", app[:3]}), "has 3 bytes"},
		{"file missing", zipOf(t, [2]string{"manifest.json", m}), "lacks /usr/app.py"},
		{"extra entry", zipOf(t, [2]string{"manifest.json", m}, [2]string{"files/app.py", app}, [2]string{"files/boot.py", ""}), "does not list"},
		{"entry twice", zipOf(t, [2]string{"manifest.json", m}, [2]string{"files/app.py", app}, [2]string{"files/app.py", app}), "twice"},
		{"path outside /usr", zipOf(t, [2]string{"manifest.json", manifestOf(t, File{Path: "/etc/x", Size: 0, SHA256: digest("")})}), "files[0].path"},
		{"manifest claims a huge file", zipOf(t, [2]string{"manifest.json", manifestOf(t, File{Path: "/usr/x", Size: MaxBundleFile + 1, SHA256: digest("")})}), "per file"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ReadBundle(tc.data)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("ReadBundle: %v, want an error saying %q", err, tc.want)
			}
		})
	}
	if _, err := ReadBundle(zipOf(t, [2]string{"manifest.json", m}, [2]string{"files/app.py", app})); err != nil {
		t.Fatalf("the well-formed bundle of this table: %v", err)
	}
}
