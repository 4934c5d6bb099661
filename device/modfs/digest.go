package modfs

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"hash/crc32"
	"strings"
)

// fileDigest is computed here the ways the module's helper can compute
// it (helpers.py, _qpyhD): SHA-256 where the firmware has uhashlib, else
// CRC-32 (ubinascii.crc32), else a 32-bit byte sum (EC600U/BG95 builds
// lack uhashlib).
type fileDigest struct {
	size int64
	sha  hash.Hash
	crc  uint32
	sum  uint32
}

func newDigest() *fileDigest { return &fileDigest{sha: sha256.New()} }

func (d *fileDigest) Write(b []byte) (int, error) {
	d.size += int64(len(b))
	d.sha.Write(b)
	d.crc = crc32.Update(d.crc, crc32.IEEETable, b)
	for _, x := range b {
		d.sum += uint32(x)
	}
	return len(b), nil
}

// answers are what the module's helper prints for this content, one per
// kind of digest it may compute.
func (d *fileDigest) answers() []string {
	return []string{
		fmt.Sprintf("%d sha256 %s", d.size, hex.EncodeToString(d.sha.Sum(nil))),
		fmt.Sprintf("%d crc32 %d", d.size, d.crc),
		fmt.Sprintf("%d sum %d", d.size, d.sum),
	}
}

// matches compares with the module's answer for a file. trusted is false
// for a byte sum, which misses bytes that changed places: such a match
// proves an upload arrived, not that a file is unchanged.
func (d *fileDigest) matches(answer string) (equal, trusted bool) {
	answer = strings.TrimSpace(answer)
	for i, a := range d.answers() {
		if a == answer {
			return true, i < 2
		}
	}
	return false, false
}

// pyStrings is a Python tuple of strings.
func pyStrings(items []string) string {
	parts := make([]string, len(items))
	for i, s := range items {
		parts[i] = pyString(s)
	}
	return "(" + strings.Join(parts, ", ") + ",)"
}
