//go:build !linux

package testpeer

import (
	"errors"
	"os"
)

// pty is not available: the peer runs on Linux pseudo-terminals only.
type pty struct {
	master    *os.File
	slave     *os.File
	slavePath string
}

// ErrNoPTY means this system has no pseudo-terminals the peer can use.
var ErrNoPTY = errors.New("the MicroPython test peer needs Linux pseudo-terminals: run these tests on Linux")

func openPTY() (*pty, error) { return nil, ErrNoPTY }

func (p *pty) close() {}
