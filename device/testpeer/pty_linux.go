package testpeer

import (
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// pty is a pseudo-terminal pair. The harness keeps its own handle on the
// slave so that the product can close and reopen the port between
// commands without the master seeing a hang-up.
type pty struct {
	master    *os.File
	slave     *os.File
	slavePath string
}

func openPTY() (*pty, error) {
	mfd, err := unix.Open("/dev/ptmx", unix.O_RDWR|unix.O_NOCTTY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("open /dev/ptmx: %w", err)
	}
	if err := unix.IoctlSetPointerInt(mfd, unix.TIOCSPTLCK, 0); err != nil {
		unix.Close(mfd)
		return nil, fmt.Errorf("unlock pseudo-terminal: %w", err)
	}
	n, err := unix.IoctlGetUint32(mfd, unix.TIOCGPTN)
	if err != nil {
		unix.Close(mfd)
		return nil, fmt.Errorf("pseudo-terminal number: %w", err)
	}
	path := fmt.Sprintf("/dev/pts/%d", n)
	sfd, err := unix.Open(path, unix.O_RDWR|unix.O_NOCTTY|unix.O_CLOEXEC, 0)
	if err != nil {
		unix.Close(mfd)
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	// Raw at once: with the default line discipline the tty would echo
	// the module's output back to it before the product opens the port.
	if err := makeRaw(sfd); err != nil {
		unix.Close(sfd)
		unix.Close(mfd)
		return nil, fmt.Errorf("raw mode on %s: %w", path, err)
	}
	if err := unix.SetNonblock(mfd, true); err != nil {
		unix.Close(sfd)
		unix.Close(mfd)
		return nil, fmt.Errorf("non-blocking pseudo-terminal: %w", err)
	}
	return &pty{
		master:    os.NewFile(uintptr(mfd), "/dev/ptmx"),
		slave:     os.NewFile(uintptr(sfd), path),
		slavePath: path,
	}, nil
}

func makeRaw(fd int) error {
	t, err := unix.IoctlGetTermios(fd, unix.TCGETS)
	if err != nil {
		return err
	}
	t.Iflag &^= unix.IGNBRK | unix.BRKINT | unix.PARMRK | unix.ISTRIP | unix.INLCR | unix.IGNCR | unix.ICRNL | unix.IXON
	t.Oflag &^= unix.OPOST
	t.Lflag &^= unix.ECHO | unix.ECHONL | unix.ICANON | unix.ISIG | unix.IEXTEN
	t.Cflag &^= unix.CSIZE | unix.PARENB
	t.Cflag |= unix.CS8
	t.Cc[unix.VMIN] = 1
	t.Cc[unix.VTIME] = 0
	return unix.IoctlSetTermios(fd, unix.TCSETS, t)
}

func (p *pty) close() {
	p.master.Close()
	p.slave.Close()
}
