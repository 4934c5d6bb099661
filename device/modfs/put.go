package modfs

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// ErrLocalChanged means the local source gave a different number of
// bytes than announced.
var ErrLocalChanged = errors.New("the local file changed while it was being copied: copy it again")

// partSuffix marks an upload in progress on the module.
const partSuffix = ".part"

// Put uploads size bytes from r to dst (under /usr or /bak). The data
// goes to dst+".part" and replaces dst only after the module confirmed
// its size and checksum.
func (fs *FS) Put(ctx context.Context, dst string, r io.Reader, size int64, progress Progress) error {
	dst, err := checkWritable("put", dst)
	if err != nil {
		return err
	}
	tmp := dst + partSuffix
	open := pyChecksumStart + "_qpyd = b''\n_qpyf = open(" + pyPath(tmp) + ", 'wb')\n"
	if _, err := fs.exec(ctx, open); err != nil {
		return wrap("put", dst, err)
	}
	sum := newChecksum()
	// One byte past size is enough to know the source is longer than
	// announced: a growing file or a device that never ends is refused,
	// not streamed.
	done, err := fs.sendData(ctx, dst, io.TeeReader(io.LimitReader(r, size+1), sum), size, progress)
	if err == nil && done != size {
		err = &PathError{Op: "put", Path: dst, Cause: ErrLocalChanged, Err: fmt.Errorf("%d bytes announced, %d read", size, done)}
	}
	if err == nil {
		err = fs.verifyPart(ctx, dst, tmp, size, sum)
	}
	if err != nil {
		fs.dropPart(ctx, tmp)
		return err
	}
	return wrap("put", dst, fs.commit(ctx, tmp, dst))
}

// sendData writes r to the open part file, one chunk per command.
func (fs *FS) sendData(ctx context.Context, dst string, r io.Reader, size int64, progress Progress) (int64, error) {
	buf := make([]byte, fs.chunk)
	var done int64
	for {
		n, rerr := io.ReadFull(r, buf)
		if n > 0 {
			code := "_qpyd = ubinascii.a2b_base64('" + base64.StdEncoding.EncodeToString(buf[:n]) + "')\n_qpyf.write(_qpyd)\n" + pyChecksumUpdate
			if _, err := fs.exec(ctx, code); err != nil {
				return done, wrap("put", dst, err)
			}
			done += int64(n)
			if progress != nil {
				progress(done, size)
			}
		}
		switch {
		case rerr == io.EOF || rerr == io.ErrUnexpectedEOF:
			return done, nil
		case rerr != nil:
			return done, fmt.Errorf("reading the local file: %w", rerr)
		}
	}
}

// verifyPart closes the part file and compares its size and checksum.
func (fs *FS) verifyPart(ctx context.Context, dst, tmp string, size int64, sum *checksum) error {
	code := "_qpyf.close()\nprint(uos.stat(" + pyPath(tmp) + ")[6])\n" + pyChecksumEnd + "del _qpyf, _qpyd, _qpyh, _qpys\n"
	res, err := fs.exec(ctx, code)
	if err != nil {
		return wrap("put", dst, err)
	}
	lines := strings.Split(strings.TrimSpace(res.Stdout), "\n")
	if len(lines) != 2 {
		return &PathError{Op: "put", Path: dst, Cause: ErrModule, Err: fmt.Errorf("unreadable check %q", res.Stdout)}
	}
	got, _ := strconv.ParseInt(strings.TrimSpace(lines[0]), 10, 64)
	kind, value, _ := strings.Cut(strings.TrimSpace(lines[1]), " ")
	if got != size || !sum.matches(kind, value) {
		return &PathError{Op: "put", Path: dst, Cause: ErrCorrupted, Err: fmt.Errorf("module has %d bytes, %s %s", got, kind, value)}
	}
	return nil
}

// commit moves the verified part file over dst. Some file systems refuse
// to rename over an existing file: then dst is removed first, in the
// same command.
func (fs *FS) commit(ctx context.Context, tmp, dst string) error {
	code := "try:\n    uos.rename(" + pyPath(tmp) + ", " + pyPath(dst) + ")\nexcept OSError:\n    uos.remove(" + pyPath(dst) + ")\n    uos.rename(" + pyPath(tmp) + ", " + pyPath(dst) + ")\n"
	_, err := fs.exec(ctx, code)
	return err
}

// dropPart removes a failed upload's part file, best effort: when the
// port is gone there is nothing to do, and the next upload overwrites it.
func (fs *FS) dropPart(ctx context.Context, tmp string) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 3*time.Second)
	defer cancel()
	code := "try:\n    _qpyf.close()\nexcept Exception:\n    pass\ntry:\n    uos.remove(" + pyPath(tmp) + ")\nexcept OSError:\n    pass\n"
	fs.exec(ctx, code)
}
