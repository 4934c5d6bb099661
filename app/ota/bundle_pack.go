package ota

import (
	"archive/zip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"qpyhub/device/modfs"
)

// Limits of a bundle. A module's flash holds a few MiB and an update
// keeps the new files beside the old ones until it applies them.
const (
	MaxBundleFile  = 1 << 20
	MaxBundleTotal = 4 << 20
)

// Names inside a bundle's zip.
const (
	manifestName = "manifest.json"
	filesPrefix  = "files/"
)

// PackError is a folder Pack cannot make a bundle of.
type PackError struct {
	Path   string // the local file or folder at fault
	Reason string
}

func (e *PackError) Error() string { return "pack " + e.Path + ": " + e.Reason }

// packedFile is one file found in the folder: where it goes on the module
// and where it is here.
type packedFile struct {
	File
	local string
}

// PackFile packs dir into a new bundle file (written whole, then renamed
// into place) and returns its manifest.
func PackFile(dir, version, file string) (Manifest, error) {
	tmp, err := os.CreateTemp(filepath.Dir(file), ".bundle-*.tmp")
	if err != nil {
		return Manifest{}, fmt.Errorf("write bundle %s: %w", file, err)
	}
	defer os.Remove(tmp.Name())
	m, err := Pack(dir, version, tmp)
	if cerr := tmp.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("write bundle %s: %w", file, cerr)
	}
	if err != nil {
		return Manifest{}, err
	}
	if err := os.Rename(tmp.Name(), file); err != nil {
		return Manifest{}, fmt.Errorf("write bundle %s: %w", file, err)
	}
	return m, nil
}

// Pack writes a bundle of the files under dir to w: dir/x/y.py goes to
// /usr/x/y.py, except what dir/.qpyhubignore leaves out. It refuses an
// empty folder, a link that leads out of it, and files too big for a
// module's flash.
func Pack(dir, version string, w io.Writer) (Manifest, error) {
	if err := CheckVersion(version); err != nil {
		return Manifest{}, err
	}
	files, err := collect(dir)
	if err != nil {
		return Manifest{}, err
	}
	m := Manifest{Format: ManifestFormat, Version: version}
	for _, f := range files {
		m.Files = append(m.Files, f.File)
	}
	if err := m.Check(); err != nil {
		return Manifest{}, err
	}
	return m, writeZip(w, m, files)
}

// collect walks dir and returns its files, sorted by module path, with
// their sizes and digests.
func collect(dir string) ([]packedFile, error) {
	root, err := filepath.EvalSymlinks(dir)
	if err != nil {
		return nil, &PackError{dir, "cannot be read: " + unwrapPathError(err)}
	}
	if info, err := os.Stat(root); err != nil || !info.IsDir() {
		return nil, &PackError{dir, "is not a folder"}
	}
	ig := modfs.ParseIgnore("")
	if b, err := os.ReadFile(filepath.Join(root, modfs.IgnoreFile)); err == nil {
		ig = modfs.ParseIgnore(string(b))
	}
	var files []packedFile
	var total int64
	err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return &PackError{p, "cannot be read: " + unwrapPathError(err)}
		}
		rel, _ := filepath.Rel(root, p)
		rel = filepath.ToSlash(rel)
		if rel == "." {
			return nil
		}
		if ig.Ignored(rel, d.IsDir()) {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			return nil
		}
		f, err := packOne(root, p, rel, d)
		if err != nil {
			return err
		}
		total += f.Size
		if total > MaxBundleTotal {
			return &PackError{dir, fmt.Sprintf("holds more than %d MiB of files; a module's flash takes at most that much in one update", MaxBundleTotal>>20)}
		}
		files = append(files, f)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, &PackError{dir, "has no files to pack (or " + modfs.IgnoreFile + " leaves them all out)"}
	}
	sort.Slice(files, func(i, j int) bool { return files[i].Path < files[j].Path })
	return files, nil
}

// packOne checks one file (following a link only when it stays inside
// root) and digests it.
func packOne(root, p, rel string, d fs.DirEntry) (packedFile, error) {
	local := p
	if d.Type()&fs.ModeSymlink != 0 {
		target, err := filepath.EvalSymlinks(p)
		if err != nil {
			return packedFile{}, &PackError{p, "is a link that leads nowhere"}
		}
		if inside, _ := filepath.Rel(root, target); inside == ".." || strings.HasPrefix(inside, "../") || filepath.IsAbs(inside) {
			return packedFile{}, &PackError{p, "is a link to " + target + ", outside the folder; copy the file in instead"}
		}
		local = target
	}
	info, err := os.Stat(local)
	if err != nil {
		return packedFile{}, &PackError{p, "cannot be read: " + unwrapPathError(err)}
	}
	if !info.Mode().IsRegular() {
		return packedFile{}, &PackError{p, "is not a regular file (a link to a folder?)"}
	}
	if info.Size() > MaxBundleFile {
		return packedFile{}, &PackError{p, fmt.Sprintf("has %d bytes; a module's flash takes at most %d MiB per file in an update", info.Size(), MaxBundleFile>>20)}
	}
	modulePath := "/usr/" + rel
	if err := CheckModulePath(modulePath); err != nil {
		return packedFile{}, &PackError{p, err.Error()}
	}
	b, err := os.ReadFile(local)
	if err != nil {
		return packedFile{}, &PackError{p, "cannot be read: " + unwrapPathError(err)}
	}
	sum := sha256.Sum256(b)
	return packedFile{File: File{Path: modulePath, Size: int64(len(b)), SHA256: hex.EncodeToString(sum[:])}, local: local}, nil
}

// writeZip writes manifest.json, then each file under files/.
func writeZip(w io.Writer, m Manifest, files []packedFile) error {
	zw := zip.NewWriter(w)
	mb, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return fmt.Errorf("encode manifest: %w", err)
	}
	if err := addZipEntry(zw, manifestName, append(mb, '\n')); err != nil {
		return err
	}
	for _, f := range files {
		b, err := os.ReadFile(f.local)
		if err != nil {
			return &PackError{f.local, "cannot be read: " + unwrapPathError(err)}
		}
		if sum := sha256.Sum256(b); hex.EncodeToString(sum[:]) != f.SHA256 {
			return &PackError{f.local, "changed while it was packed; pack again"}
		}
		if err := addZipEntry(zw, zipName(f.Path), b); err != nil {
			return err
		}
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("write bundle: %w", err)
	}
	return nil
}

func addZipEntry(zw *zip.Writer, name string, b []byte) error {
	fw, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate})
	if err != nil {
		return fmt.Errorf("write bundle: %w", err)
	}
	if _, err := fw.Write(b); err != nil {
		return fmt.Errorf("write bundle: %w", err)
	}
	return nil
}

// zipName is where a module path's bytes sit in the zip.
func zipName(modulePath string) string {
	return filesPrefix + strings.TrimPrefix(modulePath, "/usr/")
}

// RelativePath is a module path without its leading /usr/: the name a
// file has under a URL prefix or in a storage container.
func RelativePath(modulePath string) string {
	return path.Clean(strings.TrimPrefix(modulePath, "/usr/"))
}

// unwrapPathError keeps the cause of an *fs.PathError; the caller names
// the path already.
func unwrapPathError(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}
