package repl

import (
	"bytes"
	"context"
	"encoding/binary"
	"strings"
	"time"
)

// Result is what code run on the module printed. Line ends are "\n".
type Result struct {
	Stdout string
	Stderr string // the traceback, when the code raised
}

// Exec runs code in the raw REPL and waits for it to finish. When the
// code raises, the Result holds the traceback and the error is a
// *PythonError. Without a deadline on ctx, Options.ExecTimeout applies;
// a program still running then is interrupted.
func (s *Session) Exec(ctx context.Context, code string) (Result, error) {
	if err := s.begin(); err != nil {
		return Result{}, err
	}
	defer s.end()
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, s.opts.ExecTimeout)
		defer cancel()
	}
	if code == "" {
		code = "\n" // an empty raw REPL command would be a soft reset
	}
	res, err := s.exec(ctx, []byte(code))
	if err != nil {
		if _, isPy := err.(*PythonError); !isPy {
			s.abandon()
		}
	}
	return res, err
}

// abandon forgets the REPL state after a failed exchange, and stops a
// program that may still run, so the next call starts with a Sync.
func (s *Session) abandon() {
	s.mode = modeUnknown
	if s.in.failure() == nil {
		ctx, cancel := context.WithTimeout(context.Background(), abandonWait)
		defer cancel()
		s.write(ctx, []byte{ctrlC})
	}
}

// abandonWait bounds the Ctrl-C after a failure: a module that does not
// even take one byte is not waited for.
const abandonWait = 500 * time.Millisecond

func (s *Session) exec(ctx context.Context, code []byte) (Result, error) {
	if s.mode != modeRaw {
		if err := s.sync(ctx); err != nil {
			return Result{}, err
		}
	}
	s.mode = modeUnknown // until the closing prompt is seen
	if err := s.send(ctx, code); err != nil {
		return Result{}, err
	}
	deadline, _ := ctx.Deadline()
	stdout, err := s.in.until(ctx, deadline, []byte{ctrlD}, "end of program output")
	if err != nil {
		return Result{}, err
	}
	stderr, err := s.in.until(ctx, time.Now().Add(s.opts.AnswerTimeout), []byte{ctrlD}, "end of error output")
	if err != nil {
		return Result{}, err
	}
	if _, err := s.in.until(ctx, time.Now().Add(s.opts.AnswerTimeout), []byte(">"), "raw REPL prompt"); err != nil {
		return Result{}, err
	}
	s.mode = modeRaw
	res := Result{Stdout: cooked(stdout[:len(stdout)-1]), Stderr: cooked(stderr[:len(stderr)-1])}
	if pe := parsePythonError(res.Stderr); pe != nil {
		return res, pe
	}
	return res, nil
}

// cooked turns the firmware's CR LF line ends into LF.
func cooked(b []byte) string {
	return strings.ReplaceAll(string(b), "\r\n", "\n")
}

// send delivers code at the raw REPL prompt: raw-paste when the firmware
// has it, else chunks.
func (s *Session) send(ctx context.Context, code []byte) error {
	if !s.opts.DisableRawPaste && s.paste != pasteNo {
		used, err := s.tryRawPaste(ctx, code)
		if used || err != nil {
			return err
		}
	}
	return s.sendChunks(ctx, code)
}

// tryRawPaste asks for raw-paste. used is false when the firmware
// declined, and the raw prompt is back for sendChunks.
func (s *Session) tryRawPaste(ctx context.Context, code []byte) (used bool, err error) {
	s.in.discard()
	if err := s.write(ctx, []byte{ctrlE, 'A', ctrlA}); err != nil {
		return false, err
	}
	answer, err := s.in.next(ctx, time.Now().Add(s.opts.AnswerTimeout), 2, "raw-paste answer")
	if err != nil {
		return false, err
	}
	switch {
	case bytes.Equal(answer, []byte("R\x01")):
		s.paste = pasteYes
		return true, s.pasteWrite(ctx, code)
	case bytes.Equal(answer, []byte("R\x00")):
		s.paste = pasteNo // disabled: the firmware prints the prompt again
		_, err := s.in.until(ctx, time.Now().Add(s.opts.AnswerTimeout), []byte(">"), "raw REPL prompt")
		return false, err
	default:
		// Old firmware: the request was a raw REPL reset ("raw REPL; ...>").
		s.paste = pasteNo
		_, err := s.in.until(ctx, time.Now().Add(s.opts.AnswerTimeout), []byte(rawBanner[2:]), "raw REPL prompt")
		return false, err
	}
}

// pasteWrite sends code within the window the firmware grants; each 0x01
// grants another window, 0x04 means the firmware gave up.
func (s *Session) pasteWrite(ctx context.Context, code []byte) error {
	wb, err := s.in.next(ctx, time.Now().Add(s.opts.AnswerTimeout), 2, "raw-paste window")
	if err != nil {
		return err
	}
	window := int(binary.LittleEndian.Uint16(wb))
	if window == 0 {
		return &ProtocolError{Step: "raw-paste window", Got: string(wb)}
	}
	remain := window
	for sent := 0; sent < len(code); {
		for remain == 0 || s.in.pending() {
			b, err := s.in.next(ctx, time.Now().Add(s.opts.AnswerTimeout), 1, "raw-paste flow control")
			if err != nil {
				return err
			}
			switch b[0] {
			case 0x01:
				remain += window
			case ctrlD:
				s.write(ctx, []byte{ctrlD})
				return &ProtocolError{Step: "raw-paste aborted by the module", Got: string(b)}
			default:
				return &ProtocolError{Step: "raw-paste flow control", Got: string(b)}
			}
		}
		n := min(remain, len(code)-sent)
		if err := s.write(ctx, code[sent:sent+n]); err != nil {
			return err
		}
		sent += n
		remain -= n
	}
	if err := s.write(ctx, []byte{ctrlD}); err != nil {
		return err
	}
	// Window grants may still arrive before the end-of-data answer.
	_, err = s.in.until(ctx, time.Now().Add(s.opts.AnswerTimeout), []byte{ctrlD}, "raw-paste end")
	return err
}

// sendChunks writes code in small pieces with pauses, so a firmware
// without flow control does not overrun its input buffer.
func (s *Session) sendChunks(ctx context.Context, code []byte) error {
	for i := 0; i < len(code); i += s.opts.ChunkSize {
		if err := s.write(ctx, code[i:min(i+s.opts.ChunkSize, len(code))]); err != nil {
			return err
		}
		if i+s.opts.ChunkSize >= len(code) {
			break // no pause needed before the end marker
		}
		select {
		case <-time.After(s.opts.ChunkPause):
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	if err := s.write(ctx, []byte{ctrlD}); err != nil {
		return err
	}
	ok, err := s.in.next(ctx, time.Now().Add(s.opts.AnswerTimeout), 2, "OK after the code")
	if err != nil {
		return err
	}
	if !bytes.Equal(ok, []byte("OK")) {
		return &ProtocolError{Step: "OK after the code", Got: string(ok)}
	}
	return nil
}
