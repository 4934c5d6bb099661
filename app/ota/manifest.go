package ota

import (
	"encoding/hex"
	"fmt"
	"path"
	"strings"

	"qpyhub/device/moduleapp"
)

// ManifestFormat is the manifest layout this build writes and reads.
const ManifestFormat = 1

// Manifest is what a bundle holds besides the files: the version they
// make up and, for each file, where it goes and what it must be.
type Manifest struct {
	Format  int    `json:"format"`
	Version string `json:"version"`
	Files   []File `json:"files"`
}

// File is one file of a version: its absolute path on the module (under
// /usr), its size in bytes and its SHA-256 in lowercase hex.
type File struct {
	Path   string `json:"path"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// TotalSize is the bytes a module downloads for the whole version.
func (m Manifest) TotalSize() int64 {
	var n int64
	for _, f := range m.Files {
		n += f.Size
	}
	return n
}

// ManifestError names the part of a manifest that is wrong.
type ManifestError struct {
	Field  string // "version", "files", or "files[3].path"
	Reason string
}

func (e *ManifestError) Error() string { return "bundle manifest: " + e.Field + ": " + e.Reason }

// maxVersionLen keeps a version readable in a table and small in a twin.
const maxVersionLen = 64

// Check answers the first thing wrong with the manifest, or nil.
func (m Manifest) Check() error {
	if m.Format != ManifestFormat {
		return &ManifestError{"format", fmt.Sprintf("is %d; this qpyhub reads format %d (a newer qpyhub made the bundle?)", m.Format, ManifestFormat)}
	}
	if err := CheckVersion(m.Version); err != nil {
		return err
	}
	if len(m.Files) == 0 {
		return &ManifestError{"files", "none; a bundle carries at least one file"}
	}
	seen := map[string]bool{}
	for i, f := range m.Files {
		field := fmt.Sprintf("files[%d]", i)
		if err := CheckModulePath(f.Path); err != nil {
			return &ManifestError{field + ".path", err.Error()}
		}
		if seen[f.Path] {
			return &ManifestError{field + ".path", f.Path + " is listed twice"}
		}
		seen[f.Path] = true
		if f.Size < 0 {
			return &ManifestError{field + ".size", "is negative"}
		}
		if b, err := hex.DecodeString(f.SHA256); err != nil || len(b) != 32 || strings.ToLower(f.SHA256) != f.SHA256 {
			return &ManifestError{field + ".sha256", "is not 64 lowercase hex digits"}
		}
	}
	return nil
}

// CheckVersion refuses a version a table, a twin or a file name could not
// carry: empty, too long, or with spaces, quotes or control characters.
func CheckVersion(v string) error {
	if v == "" {
		return &ManifestError{"version", "is empty; give one like 1.2.0"}
	}
	if len(v) > maxVersionLen {
		return &ManifestError{"version", fmt.Sprintf("is longer than %d characters", maxVersionLen)}
	}
	for _, r := range v {
		if r <= ' ' || r == '"' || r == '\'' || r == '\\' || r > '~' {
			return &ManifestError{"version", fmt.Sprintf("%q holds %q; use letters, digits, dots and dashes", v, r)}
		}
	}
	return nil
}

// CheckModulePath accepts a clean absolute path of a file under /usr that
// the update machinery itself does not own.
func CheckModulePath(p string) error {
	if !strings.HasPrefix(p, "/usr/") || path.Clean(p) != p || p == "/usr/" {
		return fmt.Errorf("%q is not a clean path of a file under /usr/", p)
	}
	for _, part := range strings.Split(p[len("/usr/"):], "/") {
		if part == "" || part == "." || part == ".." {
			return fmt.Errorf("%q is not a clean path of a file under /usr/", p)
		}
	}
	if strings.HasPrefix(p, StateDir+"/") || p == StateDir {
		return fmt.Errorf("%q is inside %s, where updates keep their own files", p, StateDir)
	}
	if p == moduleapp.GuardPath {
		// A new guard would judge its own trial: a broken one could never
		// put the old version back.
		return fmt.Errorf("%q is the update guard, which puts the old version back when a new one fails; setup writes it, a bundle may not replace it", p)
	}
	return nil
}
