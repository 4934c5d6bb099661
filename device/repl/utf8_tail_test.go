package repl

import (
	"bytes"
	"testing"
)

func TestSplitUTF8(t *testing.T) {
	zh := []byte("中") // e4 b8 ad
	cases := []struct {
		in, complete, rest []byte
	}{
		{[]byte("abc"), []byte("abc"), nil},
		{append([]byte("a"), zh...), append([]byte("a"), zh...), nil},
		{append([]byte("a"), zh[:1]...), []byte("a"), zh[:1]},
		{append([]byte("a"), zh[:2]...), []byte("a"), zh[:2]},
		{[]byte{0xf0, 0x9f, 0x98}, nil, []byte{0xf0, 0x9f, 0x98}},
		{[]byte{0x80, 0x80, 0x80, 0x80}, []byte{0x80, 0x80, 0x80, 0x80}, nil},
		{[]byte("x\xff"), []byte("x\xff"), nil},
		{nil, nil, nil},
	}
	for _, tc := range cases {
		c, r := splitUTF8(tc.in)
		if !bytes.Equal(c, tc.complete) || !bytes.Equal(r, tc.rest) {
			t.Errorf("splitUTF8(% x) = % x | % x, want % x | % x", tc.in, c, r, tc.complete, tc.rest)
		}
	}
}

func FuzzSplitUTF8(f *testing.F) {
	f.Add([]byte("模组"))
	f.Fuzz(func(t *testing.T, b []byte) {
		c, r := splitUTF8(b)
		if !bytes.Equal(append(bytes.Clone(c), r...), b) || len(r) > 3 {
			t.Fatalf("split % x into % x | % x", b, c, r)
		}
	})
}
