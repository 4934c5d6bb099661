package repl

import (
	"bytes"
	"context"
	"encoding/binary"
	"time"
)

// How code reaches the raw REPL without losing a byte, and without a
// pause that is not an answer being awaited:
//   - code that fits the firmware's input buffer (Options.ChunkSize,
//     with its Ctrl-D) goes in one write: the buffer holds all of it
//     whatever the firmware does meanwhile;
//   - longer code goes by raw-paste when the firmware has it: it grants
//     each window of input before the window is sent;
//   - without raw-paste, longer code is staged: one buffer at a time, each
//     a command that appends to a variable on the module, whose "OK" and
//     prompt say the buffer was taken, and the last one runs it all.

// send delivers code at the raw REPL prompt; the caller reads the result.
func (s *Session) send(ctx context.Context, code []byte) error {
	if len(code) < s.opts.ChunkSize {
		return s.sendPlain(ctx, code)
	}
	if !s.opts.DisableRawPaste && s.paste != pasteNo {
		used, err := s.tryRawPaste(ctx, code)
		if used || err != nil {
			return err
		}
	}
	return s.sendStaged(ctx, code)
}

// stepOK names the wait for the "OK" that says the firmware took a
// command's Ctrl-D.
const stepOK = "OK after the code"

// sendPlain writes code and Ctrl-D in one go and waits for the "OK"
// that says the firmware took it all. Only for code shorter than the
// input buffer, or checked on the module (window.go).
func (s *Session) sendPlain(ctx context.Context, code []byte) error {
	msg := append(code[:len(code):len(code)], ctrlD)
	if err := s.write(ctx, msg); err != nil {
		return err
	}
	// The write ends when the system took the bytes; the line may still
	// be carrying them.
	deadline := time.Now().Add(s.opts.AnswerTimeout + time.Duration(len(msg))*time.Second/minWriteRate)
	for {
		ok, err := s.in.next(ctx, deadline, 2, stepOK)
		if err != nil {
			return err
		}
		// A raw REPL banner late from another program's Ctrl-A means the
		// firmware was in the raw REPL before the code came: the OK
		// follows it.
		switch {
		case bytes.Equal(ok, []byte("OK")):
			return nil
		case bytes.Equal(ok, []byte("\r\n")):
		case bytes.Equal(ok, []byte(rawBanner[:2])):
			if _, err := s.in.until(ctx, time.Now().Add(s.opts.AnswerTimeout), []byte(rawBanner[2:]), stepOK); err != nil {
				return err
			}
		default:
			return &ProtocolError{Step: stepOK, Got: string(ok)}
		}
	}
}

// stagedVar holds staged code on the module until its last piece runs.
// A one-element list, so that the last command pops the code and
// nothing of it stays behind.
const stagedVar = "_qpyS"

// The three kinds of staging command around a bytes literal body.
var (
	stageFirst = [2]string{stagedVar + "=[b'", "']"}
	stageMore  = [2]string{stagedVar + "[0]+=b'", "'"}
	stageRun   = [2]string{"exec(" + stagedVar + ".pop()+b'", "')"}
)

// sendStaged sends code longer than the input buffer to firmware
// without raw-paste: each piece is one acknowledged command, and the
// last one, sent without awaiting its result, runs the whole code.
// Tracebacks then name "<string>" for the code's own lines.
func (s *Session) sendStaged(ctx context.Context, code []byte) error {
	room := s.opts.ChunkSize - 1 // the Ctrl-D
	for first := true; ; first = false {
		if cmd, took := literalCommand(stageRun, code, room); took == len(code) {
			return s.sendPlain(ctx, cmd)
		}
		kind := stageMore
		if first {
			kind = stageFirst
		}
		cmd, took := literalCommand(kind, code, room)
		if err := s.sendPlain(ctx, cmd); err != nil {
			return err
		}
		if _, err := s.result(ctx); err != nil {
			return err
		}
		s.mode = modeUnknown
		code = code[took:]
	}
}

// literalCommand wraps as much of code as fits room in kind's command:
// kind[0], a bytes literal of a prefix of code, kind[1].
func literalCommand(kind [2]string, code []byte, room int) ([]byte, int) {
	cmd := append(make([]byte, 0, room), kind[0]...)
	cmd, took := AppendBytesLiteral(cmd, code, room-len(kind[0])-len(kind[1]))
	return append(cmd, kind[1]...), took
}

// tryRawPaste asks for raw-paste. used is false when the firmware
// declined, and the raw prompt is back for another way of sending.
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
