package ui

import (
	"strings"
	"unicode/utf8"
)

// terminalScrollback is how many lines the terminal keeps.
const terminalScrollback = 2000

// scrollback turns the bytes a REPL prints into lines of text: UTF-8
// that a read split in the middle of a character is joined again, CR LF
// line ends, backspaces applied, ANSI escape sequences dropped, and only
// the newest max lines kept.
type scrollback struct {
	max     int
	lines   []string        // finished lines, oldest first
	current strings.Builder // the line being printed
	pending []byte          // the start of a character whose rest is still to come
	esc     escState
}

type escState int

const (
	escNone escState = iota
	escStart
	escCSI // inside ESC [ … until a final byte
)

func newScrollback(max int) *scrollback { return &scrollback{max: max} }

// Write adds what the module printed.
func (b *scrollback) Write(p []byte) {
	data := append(b.pending, p...)
	b.pending = nil
	for len(data) > 0 {
		r, size := utf8.DecodeRune(data)
		if r == utf8.RuneError && size <= 1 && !utf8.FullRune(data) {
			b.pending = append([]byte(nil), data...) // wait for the rest
			return
		}
		data = data[size:]
		b.put(r)
	}
}

func (b *scrollback) put(r rune) {
	switch b.esc {
	case escStart:
		b.esc = escNone
		if r == '[' {
			b.esc = escCSI
		}
		return
	case escCSI:
		if r >= 0x40 && r <= 0x7e {
			b.esc = escNone
		}
		return
	}
	switch {
	case r == 0x1b:
		b.esc = escStart
	case r == '\n':
		b.endLine()
	case r == '\b':
		b.backspace()
	case r == '\t':
		b.current.WriteRune(r)
	case r < 0x20 || r == 0x7f:
		// CR and other controls: the REPL ends lines with CR LF.
	default:
		b.current.WriteRune(r)
	}
}

func (b *scrollback) endLine() {
	b.lines = append(b.lines, b.current.String())
	b.current.Reset()
	if extra := len(b.lines) - b.max + 1; extra > 0 {
		b.lines = append([]string(nil), b.lines[extra:]...)
	}
}

func (b *scrollback) backspace() {
	s := b.current.String()
	if s == "" {
		return
	}
	_, size := utf8.DecodeLastRuneInString(s)
	b.current.Reset()
	b.current.WriteString(s[:len(s)-size])
}

// Text is the scrollback as shown: finished lines, then the current one.
func (b *scrollback) Text() string {
	return strings.Join(append(append([]string(nil), b.lines...), b.current.String()), "\n")
}

// Lines counts the lines shown, the current one included.
func (b *scrollback) Lines() int { return len(b.lines) + 1 }

// Clear forgets everything printed so far.
func (b *scrollback) Clear() {
	b.lines = nil
	b.current.Reset()
	b.pending = nil
	b.esc = escNone
}
