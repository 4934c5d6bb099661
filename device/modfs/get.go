package modfs

import (
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"strconv"
	"strings"
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
	open := pyChecksumStart + "_qpyf = open(" + pyPath(src) + ", 'rb')\nprint(uos.stat(" + pyPath(src) + ")[6])\n"
	res, err := fs.exec(ctx, open)
	if err != nil {
		return 0, wrap("get", src, err)
	}
	size, err := strconv.ParseInt(lastLine(res.Stdout), 10, 64)
	if err != nil {
		fs.closeRead(ctx)
		return 0, &PathError{Op: "get", Path: src, Cause: ErrModule, Err: fmt.Errorf("unreadable size %q", res.Stdout)}
	}
	sum := newChecksum()
	done, err := fs.receive(ctx, src, io.MultiWriter(w, sum), size, progress)
	if err != nil {
		fs.closeRead(ctx)
		return done, err
	}
	res, err = fs.exec(ctx, "_qpyf.close()\n"+pyChecksumEnd+"del _qpyf, _qpyh, _qpys\n")
	if err != nil {
		return done, wrap("get", src, err)
	}
	kind, value, _ := strings.Cut(lastLine(res.Stdout), " ")
	if !sum.matches(kind, value) {
		return done, &PathError{Op: "get", Path: src, Cause: ErrCorrupted, Err: fmt.Errorf("module read %s %s", kind, value)}
	}
	return done, nil
}

// receive reads the open file, chunksPerRead base64 lines per command,
// until a command prints fewer lines (end of file).
func (fs *FS) receive(ctx context.Context, src string, w io.Writer, size int64, progress Progress) (int64, error) {
	code := fmt.Sprintf("for _qpyi in range(%d):\n    _qpyd = _qpyf.read(%d)\n    if not _qpyd:\n        break\n%s    print(ubinascii.b2a_base64(_qpyd).decode().strip())\n",
		chunksPerRead, fs.chunk, indent(pyChecksumUpdate))
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
	fs.exec(context.WithoutCancel(ctx), "try:\n    _qpyf.close()\nexcept Exception:\n    pass\n")
}

func indent(code string) string {
	lines := strings.SplitAfter(code, "\n")
	for i, l := range lines {
		if l != "" {
			lines[i] = "    " + l
		}
	}
	return strings.Join(lines, "")
}
