package modfs

import (
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// chunksPerRead is how many chunks one download command prints.
const chunksPerRead = 4

// Get downloads src into w and answers the byte count. The module's
// checksum of what it read is compared with what arrived.
func (fs *FS) Get(ctx context.Context, src string, w io.Writer, progress Progress) (int64, error) {
	src, err := checkPath("get", src)
	if err != nil {
		return 0, err
	}
	open := "_qpyf = open(" + pyPath(src) + ", 'rb')\nprint(uos.stat(" + pyPath(src) + ")[6])\n"
	res, err := fs.exec(ctx, open)
	if err != nil {
		return 0, wrap("get", src, err)
	}
	size, err := strconv.ParseInt(lastLine(res.Stdout), 10, 64)
	if err != nil {
		fs.closeRead(ctx)
		return 0, &PathError{Op: "get", Path: src, Cause: ErrModule, Err: fmt.Errorf("unreadable size %q", res.Stdout)}
	}
	local := newDigest()
	done, err := fs.receive(ctx, src, io.MultiWriter(w, local), size, progress)
	fs.closeRead(ctx)
	if err != nil {
		return done, err
	}
	// The module's digest of the file as it is stored, against what came.
	res, err = fs.execHelped(ctx, "print("+hDigest+"("+pyPath(src)+"))\n")
	if err != nil {
		return done, wrap("get", src, err)
	}
	if equal, _ := local.matches(lastLine(res.Stdout)); !equal {
		return done, &PathError{Op: "get", Path: src, Cause: ErrCorrupted, Err: fmt.Errorf("module has %s", lastLine(res.Stdout))}
	}
	return done, nil
}

// receive reads the open file, chunksPerRead base64 lines per command,
// until a command prints fewer lines (end of file).
func (fs *FS) receive(ctx context.Context, src string, w io.Writer, size int64, progress Progress) (int64, error) {
	code := fmt.Sprintf("for _qpyi in range(%d):\n    _qpyd = _qpyf.read(%d)\n    if not _qpyd:\n        break\n    print(ubinascii.b2a_base64(_qpyd).decode().strip())\n",
		chunksPerRead, fs.chunk)
	var done int64
	for {
		res, err := fs.exec(ctx, code)
		if err != nil {
			return done, wrap("get", src, err)
		}
		lines := strings.Fields(res.Stdout)
		for _, line := range lines {
			b, err := base64.StdEncoding.DecodeString(line)
			if err != nil {
				return done, &PathError{Op: "get", Path: src, Cause: ErrCorrupted, Err: err}
			}
			if _, err := w.Write(b); err != nil {
				return done, fmt.Errorf("writing the local file: %w", err)
			}
			done += int64(len(b))
			if progress != nil {
				progress(done, size)
			}
		}
		if len(lines) < chunksPerRead {
			return done, nil
		}
	}
}

func (fs *FS) closeRead(ctx context.Context) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 3*time.Second)
	defer cancel()
	fs.exec(ctx, "try:\n    _qpyf.close()\n    del _qpyf, _qpyd\nexcept Exception:\n    pass\n")
}
