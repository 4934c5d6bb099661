package modfs

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"time"
)

// ErrLocalChanged means the local source gave a different number of
// bytes than announced.
var ErrLocalChanged = errors.New("the local file changed while it was being copied: copy it again")

// partSuffix marks an upload in progress on the module.
const partSuffix = ".part"

// PutOptions tune one upload.
type PutOptions struct {
	// Force sends the file even when the module already has it.
	Force    bool
	Progress Progress
}

// PutResult says what an upload did.
type PutResult struct {
	// Skipped is true when the module already had the same file (same
	// size and SHA-256, or CRC-32 on firmware without uhashlib): nothing
	// was sent.
	Skipped bool
	Sent    int64 // bytes of the file sent
}

// Put uploads size bytes from r to dst (under /usr or /bak), unless the
// module already has the same file and Options.Force is not set. The
// data goes to dst+".part" and replaces dst only after the module found
// its size and digest right.
func (fs *FS) Put(ctx context.Context, dst string, r io.Reader, size int64, progress Progress) error {
	_, err := fs.PutFile(ctx, dst, r, size, PutOptions{Force: fs.force, Progress: progress})
	return err
}

// PutFile is Put with options for this upload, and says whether the
// file was sent.
func (fs *FS) PutFile(ctx context.Context, dst string, r io.Reader, size int64, opts PutOptions) (PutResult, error) {
	dst, err := checkWritable("put", dst)
	if err != nil {
		return PutResult{}, err
	}
	src, local, err := readLocal(r, size)
	if err != nil {
		return PutResult{}, &PathError{Op: "put", Path: dst, Cause: ErrLocalChanged, Err: err}
	}
	if !opts.Force {
		same, err := fs.hasSame(ctx, dst, local)
		if err != nil || same {
			if same && opts.Progress != nil {
				opts.Progress(size, size)
			}
			return PutResult{Skipped: same}, err
		}
	}
	sent, err := fs.upload(ctx, dst, src, local, opts.Progress)
	return PutResult{Sent: sent}, err
}

// readLocal digests the source and answers a reader for sending it:
// the same source read again when it can seek (a file), else a copy in
// memory. One byte past size is read, so a growing file or a device that
// never ends is refused, not streamed.
func readLocal(r io.Reader, size int64) (io.Reader, *fileDigest, error) {
	d := newDigest()
	seeker, canSeek := r.(io.ReadSeeker)
	var start int64
	if canSeek {
		var err error
		if start, err = seeker.Seek(0, io.SeekCurrent); err != nil {
			canSeek = false
		}
	}
	var copied bytes.Buffer
	sink := io.Writer(d)
	if !canSeek {
		sink = io.MultiWriter(d, &copied)
	}
	n, err := io.Copy(sink, io.LimitReader(r, size+1))
	switch {
	case err != nil:
		return nil, nil, fmt.Errorf("reading the local file: %w", err)
	case n != size:
		return nil, nil, fmt.Errorf("%d bytes announced, %d read", size, n)
	case !canSeek:
		return &copied, d, nil
	}
	if _, err := seeker.Seek(start, io.SeekStart); err != nil {
		return nil, nil, fmt.Errorf("reading the local file again: %w", err)
	}
	return io.LimitReader(seeker, size), d, nil
}

// hasSame asks the module for dst's digest: same is true when it matches
// local by a digest that can tell files apart (not a byte sum).
func (fs *FS) hasSame(ctx context.Context, dst string, local *fileDigest) (bool, error) {
	res, err := fs.execHelped(ctx, "print("+hDigest+"("+pyPath(dst)+"))\n")
	if err != nil {
		return false, wrap("put", dst, err)
	}
	equal, trusted := local.matches(lastLine(res.Stdout))
	return equal && trusted, nil
}

// upload sends src to dst's part file, then has the module check it
// against local and rename it over dst, in one command.
func (fs *FS) upload(ctx context.Context, dst string, src io.Reader, local *fileDigest, progress Progress) (int64, error) {
	tmp := dst + partSuffix
	// Naming a helper first has it defined now, not at the commit.
	if _, err := fs.execHelped(ctx, hCommit+"\n_qpyf = open("+pyPath(tmp)+", 'wb')\n_qpyw = _qpyf.write\n"); err != nil {
		return 0, wrap("put", dst, err)
	}
	again := newDigest()
	sent, err := fs.sendData(ctx, dst, io.TeeReader(src, again), local.size, progress)
	if err == nil && again.answers()[0] != local.answers()[0] {
		err = &PathError{Op: "put", Path: dst, Cause: ErrLocalChanged, Err: errors.New("its content differs from when it was first read")}
	}
	if err != nil {
		fs.dropPart(ctx, tmp)
		return sent, err
	}
	code := "print(" + hCommit + "(_qpyf, " + pyPath(tmp) + ", " + pyPath(dst) + ", " + pyStrings(local.answers()) + "))\ndel _qpyf, _qpyw\n"
	res, err := fs.execHelped(ctx, code)
	if err != nil {
		fs.dropPart(ctx, tmp)
		return sent, wrap("put", dst, err)
	}
	if got := lastLine(res.Stdout); !slices.Contains(local.answers(), got) {
		return sent, &PathError{Op: "put", Path: dst, Cause: ErrCorrupted, Err: fmt.Errorf("module has %s", got)}
	}
	return sent, nil
}

// sendData writes src to the open part file, as large a piece per
// command as the firmware takes without waiting.
func (fs *FS) sendData(ctx context.Context, dst string, src io.Reader, size int64, progress Progress) (int64, error) {
	local := &readErr{r: src}
	var report func(int64)
	if progress != nil {
		report = func(n int64) { progress(n, size) }
	}
	sent, err := fs.r.SendData(ctx, "_qpyw", local, fs.chunk, report)
	switch {
	case local.err != nil:
		return sent, &PathError{Op: "put", Path: dst, Cause: ErrLocalChanged, Err: fmt.Errorf("reading the local file: %w", local.err)}
	case err != nil:
		return sent, wrap("put", dst, err)
	case sent != size:
		return sent, &PathError{Op: "put", Path: dst, Cause: ErrLocalChanged, Err: fmt.Errorf("%d bytes announced, %d read", size, sent)}
	}
	return sent, nil
}

// readErr keeps the error of the local source apart from the module's.
type readErr struct {
	r   io.Reader
	err error
}

func (l *readErr) Read(p []byte) (int, error) {
	n, err := l.r.Read(p)
	if err != nil && err != io.EOF {
		l.err = err
	}
	return n, err
}

// dropPart removes a failed upload's part file, best effort: when the
// port is gone there is nothing to do, and the next upload overwrites it.
func (fs *FS) dropPart(ctx context.Context, tmp string) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 3*time.Second)
	defer cancel()
	code := "try:\n    _qpyf.close()\nexcept Exception:\n    pass\ntry:\n    uos.remove(" + pyPath(tmp) + ")\nexcept OSError:\n    pass\n"
	fs.exec(ctx, code)
}
