package modfs

import (
	"crypto/sha256"
	"encoding/hex"
	"hash"
	"strconv"
)

// checksum follows what the module can compute: SHA-256 where uhashlib
// has it, else a 32-bit byte sum (EC600U/BG95 builds lack uhashlib).
type checksum struct {
	sha hash.Hash
	sum uint32
}

func newChecksum() *checksum { return &checksum{sha: sha256.New()} }

func (c *checksum) Write(b []byte) (int, error) {
	c.sha.Write(b)
	for _, x := range b {
		c.sum += uint32(x)
	}
	return len(b), nil
}

// matches compares with the module's answer of the given kind.
func (c *checksum) matches(kind, value string) bool {
	switch kind {
	case "sha256":
		return hex.EncodeToString(c.sha.Sum(nil)) == value
	case "sum":
		return strconv.FormatUint(uint64(c.sum), 10) == value
	}
	return false
}

// pyChecksumStart, pyChecksumUpdate and pyChecksumEnd are the module's
// side: _qpyh is the hash or None, _qpys the running sum.
const (
	pyChecksumStart = `try:
    import uhashlib
    _qpyh = uhashlib.sha256()
except Exception:
    _qpyh = None
_qpys = 0
`
	pyChecksumUpdate = `if _qpyh:
    _qpyh.update(_qpyd)
else:
    _qpys = (_qpys + sum(_qpyd)) & 0xffffffff
`
	pyChecksumEnd = `if _qpyh:
    print('sha256', ubinascii.hexlify(_qpyh.digest()).decode())
else:
    print('sum', _qpys)
`
)
