package ui

import (
	"strconv"
	"strings"
	"testing"
)

func TestScrollbackText(t *testing.T) {
	zh := []byte("你好，模组\r\n")
	tests := []struct {
		name   string
		chunks [][]byte
		want   string
	}{
		{"CR LF lines", [][]byte{[]byte(">>> print(1)\r\n1\r\n>>> ")}, ">>> print(1)\n1\n>>> "},
		{"Chinese split inside a character", [][]byte{zh[:1], zh[1:4], zh[4:8], zh[8:]}, "你好，模组\n"},
		{"every byte alone", splitBytes([]byte("温度 23℃\r\n")), "温度 23℃\n"},
		{"backspace", [][]byte{[]byte("abc\b \bd")}, "abd"},
		{"backspace over a Chinese character", [][]byte{[]byte("中文\b")}, "中"},
		{"escape split across reads", [][]byte{[]byte("ab\x1b["), []byte("K>>> ")}, "ab>>> "},
		{"other controls dropped", [][]byte{[]byte("a\x07b\x00c")}, "abc"},
		{"invalid byte", [][]byte{{'a', 0xff, 'b'}}, "a\ufffdb"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := newScrollback(100)
			for _, c := range tc.chunks {
				b.Write(c)
			}
			if got := b.Text(); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func splitBytes(b []byte) [][]byte {
	var out [][]byte
	for i := range b {
		out = append(out, b[i:i+1])
	}
	return out
}

func TestScrollbackKeepsTheNewestLines(t *testing.T) {
	b := newScrollback(5)
	for i := 1; i <= 12; i++ {
		b.Write([]byte("line " + strconv.Itoa(i) + "\r\n"))
	}
	b.Write([]byte(">>> "))
	lines := strings.Split(b.Text(), "\n")
	if len(lines) != 5 || lines[0] != "line 9" || lines[3] != "line 12" || lines[4] != ">>> " {
		t.Errorf("kept %q", lines)
	}
	b.Clear()
	if b.Text() != "" {
		t.Errorf("after Clear: %q", b.Text())
	}
}
