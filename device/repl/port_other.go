//go:build !linux

package repl

import (
	"errors"
	"time"

	"go.bug.st/serial"
)

// serialPort is go.bug.st/serial's port as it is. On Windows a port
// opens for one program only and closing it aborts a pending read; on
// other systems Close is bounded by closeWait.
type serialPort struct {
	serial.Port
}

// closeWait bounds Close on systems where go.bug.st/serial waits for a
// pending read.
const closeWait = 2 * time.Second

func openPort(path string, baud int) (port, error) {
	p, err := serial.Open(path, &serial.Mode{BaudRate: baud, DataBits: 8})
	if err != nil {
		var pe *serial.PortError
		if errors.As(err, &pe) && pe.Code() == serial.PortBusy {
			return nil, &OpenError{Path: path, Err: &InUseError{Path: path}}
		}
		return nil, &OpenError{Path: path, Err: err}
	}
	return serialPort{p}, nil
}

// DropInput discards what the system holds of the module's output.
func (p serialPort) DropInput() error { return p.ResetInputBuffer() }

// SetWriteDeadline is not offered by go.bug.st/serial: writes block as
// the system makes them.
func (p serialPort) SetWriteDeadline(time.Time) error { return nil }

func (p serialPort) Close() error {
	done := make(chan error, 1)
	go func() { done <- p.Port.Close() }()
	select {
	case err := <-done:
		return err
	case <-time.After(closeWait):
		return nil // the port is released when the pending read returns
	}
}
