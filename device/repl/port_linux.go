package repl

import (
	"errors"
	"os"
	"time"

	"go.bug.st/serial"
	"golang.org/x/sys/unix"
)

// linuxPort reads and writes the module through its own non-blocking
// descriptor, which Go's poller waits on: Close wakes a pending Read and
// deadlines bound a Write. (A blocking read(2), as go.bug.st/serial does
// after select(2), sleeps for ever when another program takes the byte
// that woke it, and Close then waits for it.) go.bug.st/serial sets the
// line up (raw 8N1, baud rate, TIOCEXCL) on a descriptor of its own.
type linuxPort struct {
	f    *os.File
	line serial.Port
}

// openPort opens path for the session alone: an exclusive flock on the
// device beside TIOCEXCL, since TIOCEXCL does not stop root.
func openPort(path string, baud int) (port, error) {
	fd, err := unix.Open(path, unix.O_RDWR|unix.O_NOCTTY|unix.O_NONBLOCK|unix.O_CLOEXEC, 0)
	if errors.Is(err, unix.EBUSY) { // TIOCEXCL of another program
		return nil, inUse(path, false)
	}
	if err != nil {
		return nil, &OpenError{Path: path, Err: &os.PathError{Op: "open", Path: path, Err: err}}
	}
	if err := unix.Flock(fd, unix.LOCK_EX|unix.LOCK_NB); err != nil {
		unix.Close(fd)
		if errors.Is(err, unix.EWOULDBLOCK) {
			return nil, inUse(path, true)
		}
		return nil, &OpenError{Path: path, Err: &os.PathError{Op: "lock", Path: path, Err: err}}
	}
	line, err := serial.Open(path, &serial.Mode{BaudRate: baud, DataBits: 8})
	if err != nil {
		unix.Close(fd)
		var pe *serial.PortError
		if errors.As(err, &pe) && pe.Code() == serial.PortBusy {
			return nil, inUse(path, false)
		}
		return nil, &OpenError{Path: path, Err: err}
	}
	return &linuxPort{f: os.NewFile(uintptr(fd), path), line: line}, nil
}

func (p *linuxPort) Read(b []byte) (int, error)         { return p.f.Read(b) }
func (p *linuxPort) Write(b []byte) (int, error)        { return p.f.Write(b) }
func (p *linuxPort) SetWriteDeadline(t time.Time) error { return p.f.SetWriteDeadline(t) }
func (p *linuxPort) DropInput() error                   { return p.line.ResetInputBuffer() }

// Close lets go of TIOCEXCL first and of the lock last, so that whoever
// takes the lock next can open the port.
func (p *linuxPort) Close() error {
	err := p.line.Close()
	if ferr := p.f.Close(); err == nil {
		err = ferr
	}
	return err
}

// inUse answers the error for a port another program holds, naming it
// when /proc tells.
func inUse(path string, locked bool) error {
	e := &InUseError{Path: path, Qpyhub: locked}
	if locked {
		e.PID = lockHolder(path)
	} else {
		e.PID = openHolder(path)
	}
	if e.PID > 0 {
		e.Program = programName(e.PID)
	}
	return &OpenError{Path: path, Err: e}
}
