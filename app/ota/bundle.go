package ota

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
)

// Bundle is an opened bundle whose every file matched the manifest.
type Bundle struct {
	Manifest Manifest
	files    map[string][]byte // by module path
}

// BundleError is a bundle that cannot be used, and why.
type BundleError struct {
	Reason string
}

func (e *BundleError) Error() string { return "bundle: " + e.Reason }

// maxManifest bounds manifest.json; a few hundred files fit well under it.
const maxManifest = 256 << 10

// OpenBundle reads a bundle file and checks it whole: the manifest, and
// each file's size and SHA-256; anything in the zip the manifest does not
// list is refused.
func OpenBundle(file string) (*Bundle, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("open bundle: %w", err)
	}
	bd, err := ReadBundle(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	return bd, nil
}

// ReadBundle checks a bundle held in memory, as OpenBundle does.
func ReadBundle(data []byte) (*Bundle, error) {
	if len(data) > MaxBundleTotal+maxManifest+(1<<20) {
		return nil, &BundleError{fmt.Sprintf("is %d bytes, more than a bundle of at most %d MiB of files can be", len(data), MaxBundleTotal>>20)}
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, &BundleError{"is not a zip file made by qpyhub ota pack: " + err.Error()}
	}
	entries := map[string]*zip.File{}
	for _, f := range zr.File {
		if entries[f.Name] != nil {
			return nil, &BundleError{fmt.Sprintf("holds %s twice", f.Name)}
		}
		entries[f.Name] = f
	}
	m, err := readManifest(entries[manifestName])
	if err != nil {
		return nil, err
	}
	bd := &Bundle{Manifest: m, files: map[string][]byte{}}
	for _, f := range m.Files {
		b, err := readEntry(entries[zipName(f.Path)], f)
		if err != nil {
			return nil, err
		}
		bd.files[f.Path] = b
		delete(entries, zipName(f.Path))
	}
	delete(entries, manifestName)
	for name := range entries {
		return nil, &BundleError{fmt.Sprintf("holds %s, which the manifest does not list", name)}
	}
	return bd, nil
}

func readManifest(zf *zip.File) (Manifest, error) {
	if zf == nil {
		return Manifest{}, &BundleError{"has no " + manifestName + "; make bundles with qpyhub ota pack"}
	}
	b, err := readLimited(zf, maxManifest)
	if err != nil {
		return Manifest{}, &BundleError{manifestName + ": " + err.Error()}
	}
	var m Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return Manifest{}, &BundleError{manifestName + " is not valid JSON: " + err.Error()}
	}
	if err := m.Check(); err != nil {
		return Manifest{}, err
	}
	if m.TotalSize() > MaxBundleTotal {
		return Manifest{}, &BundleError{fmt.Sprintf("lists %d bytes of files; an update takes at most %d MiB", m.TotalSize(), MaxBundleTotal>>20)}
	}
	for _, f := range m.Files {
		if f.Size > MaxBundleFile {
			return Manifest{}, &BundleError{fmt.Sprintf("lists %s with %d bytes; an update takes at most %d MiB per file", f.Path, f.Size, MaxBundleFile>>20)}
		}
	}
	return m, nil
}

// readEntry reads one file's bytes and checks them against the manifest.
func readEntry(zf *zip.File, f File) ([]byte, error) {
	if zf == nil {
		return nil, &BundleError{fmt.Sprintf("lacks %s, which the manifest lists", f.Path)}
	}
	b, err := readLimited(zf, f.Size)
	if err != nil {
		return nil, &BundleError{fmt.Sprintf("%s: %v", f.Path, err)}
	}
	if int64(len(b)) != f.Size {
		return nil, &BundleError{fmt.Sprintf("%s has %d bytes, the manifest says %d", f.Path, len(b), f.Size)}
	}
	if sum := sha256.Sum256(b); hex.EncodeToString(sum[:]) != f.SHA256 {
		return nil, &BundleError{fmt.Sprintf("sha256 mismatch for %s: the bundle is damaged", f.Path)}
	}
	return b, nil
}

// readLimited reads at most limit+1 bytes of an entry, whatever its
// header claims, so a crafted zip cannot make it read more.
func readLimited(zf *zip.File, limit int64) ([]byte, error) {
	rc, err := zf.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("holds more than %d bytes", limit)
	}
	return b, nil
}

// Open returns a file of the bundle by its module path.
func (b *Bundle) Open(modulePath string) (io.ReadCloser, error) {
	data, ok := b.files[modulePath]
	if !ok {
		return nil, &BundleError{fmt.Sprintf("has no file %s", modulePath)}
	}
	return io.NopCloser(bytes.NewReader(data)), nil
}

// ReadFile returns a copy of a file of the bundle by its module path.
func (b *Bundle) ReadFile(modulePath string) ([]byte, error) {
	data, ok := b.files[modulePath]
	if !ok {
		return nil, &BundleError{fmt.Sprintf("has no file %s", modulePath)}
	}
	return append([]byte(nil), data...), nil
}
