package cli

import (
	"os"
	"syscall"
)

// attachParentConsole lets the GUI-subsystem build print to the terminal it
// was started from when it is given a command; without it, output from a
// program linked with -H windowsgui goes nowhere.
func attachParentConsole() {
	const attachParentProcess = ^uintptr(0) // ATTACH_PARENT_PROCESS = (DWORD)-1
	kernel32 := syscall.NewLazyDLL("kernel32.dll")
	attach := kernel32.NewProc("AttachConsole")
	if r, _, _ := attach.Call(attachParentProcess); r == 0 {
		return // started from Explorer or already has a console: keep the handles we have
	}
	reopen := func(name string, flag int, std **os.File) {
		if f, err := os.OpenFile(name, flag, 0); err == nil {
			*std = f
		}
	}
	// Handles already redirected to a file or pipe stay as they are.
	if fileType(os.Stdout) == 0 {
		reopen("CONOUT$", os.O_WRONLY, &os.Stdout)
	}
	if fileType(os.Stderr) == 0 {
		reopen("CONOUT$", os.O_WRONLY, &os.Stderr)
	}
	if fileType(os.Stdin) == 0 {
		reopen("CONIN$", os.O_RDONLY, &os.Stdin)
	}
}

// fileType reports GetFileType for f, 0 (unknown) when f has no usable handle.
func fileType(f *os.File) uint32 {
	if f == nil {
		return 0
	}
	t, err := syscall.GetFileType(syscall.Handle(f.Fd()))
	if err != nil {
		return 0
	}
	return t
}
