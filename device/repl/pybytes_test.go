package repl

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// decodeLiteral reads a literal body the way MicroPython's lexer does,
// for the escapes AppendBytesLiteral writes; anything else fails.
func decodeLiteral(body []byte) ([]byte, error) {
	var out []byte
	for i := 0; i < len(body); i++ {
		c := body[i]
		switch {
		case c == '\'' || c == '\n' || c == '\r':
			return nil, fmt.Errorf("bare %q at %d would end or break the literal", c, i)
		case c <= 5 || c == 0x11 || c == 0x13:
			return nil, fmt.Errorf("bare control byte %#x at %d", c, i)
		case c != '\\':
			out = append(out, c)
			continue
		}
		i++
		if i == len(body) {
			return nil, fmt.Errorf("backslash at the end")
		}
		switch e := body[i]; {
		case e == '\\' || e == '\'':
			out = append(out, e)
		case e == 'n':
			out = append(out, '\n')
		case e == 'r':
			out = append(out, '\r')
		case e >= '0' && e <= '7':
			n := 0
			for d := 0; d < 3 && i < len(body) && body[i] >= '0' && body[i] <= '7'; d++ {
				n = n*8 + int(body[i]-'0')
				i++
			}
			i--
			out = append(out, byte(n))
		default:
			return nil, fmt.Errorf("unexpected escape %q", e)
		}
	}
	return out, nil
}

func TestBytesLiteral(t *testing.T) {
	cases := []struct {
		in   string
		want string
	}{
		{"", `b''`},
		{"plain text", `b'plain text'`},
		{"it's a \\ path\r\n", `b'it\'s a \\ path\r\n'`},
		{"\x00\x01x", `b'\0\1x'`},
		{"\x011", `b'\0011'`},   // the digit after a short escape
		{"\x137", `b'\0237'`},   // XOFF before a digit
		{"\x138", `b'\238'`},    // 8 is no octal digit
		{"\x04\x05", `b'\4\5'`}, // Ctrl-D would run the code early
		{"模组\xff\x80", "b'模组\xff\x80'"},
	}
	for _, tc := range cases {
		if got := BytesLiteral([]byte(tc.in)); got != tc.want {
			t.Errorf("BytesLiteral(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestAppendBytesLiteralRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for n := 0; n < 500; n++ {
		src := make([]byte, rng.IntN(600))
		for i := range src {
			src[i] = byte(rng.UintN(256))
		}
		room := 4 + rng.IntN(300)
		var got []byte
		for rest := src; len(rest) > 0; {
			body, took := AppendBytesLiteral(nil, rest, room)
			if len(body) > room || took == 0 {
				t.Fatalf("room %d: body of %d bytes holding %d", room, len(body), took)
			}
			dec, err := decodeLiteral(body)
			if err != nil {
				t.Fatalf("room %d: %v in %q", room, err, body)
			}
			if !bytes.Equal(dec, rest[:took]) {
				t.Fatalf("room %d: decoded %q, want %q", room, dec, rest[:took])
			}
			got = append(got, dec...)
			rest = rest[took:]
		}
		if !bytes.Equal(got, src) {
			t.Fatalf("pieces do not add up to the source")
		}
	}
}

func TestAppendBytesLiteralGrowth(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	src := make([]byte, 1<<16)
	for i := range src {
		src[i] = byte(rng.UintN(256))
	}
	body, _ := AppendBytesLiteral(nil, src, 1<<20)
	// About 11 escaped values of 256, most one byte longer: ~4 %.
	if growth := float64(len(body)) / float64(len(src)); growth > 1.06 {
		t.Fatalf("random data grew by %.1f %%", (growth-1)*100)
	}
	if strings.ContainsAny(string(body), "\x01\x02\x03\x04") {
		t.Fatal("a REPL control byte went through unescaped")
	}
}

func FuzzAppendBytesLiteral(f *testing.F) {
	f.Add([]byte("\x00\x011\x137'\\\r\n"), 7)
	f.Fuzz(func(t *testing.T, src []byte, room int) {
		room = 4 + int(uint(room)%64) // the longest escape is 4 bytes
		body, took := AppendBytesLiteral(nil, src, room)
		if len(src) > 0 && took == 0 {
			t.Fatalf("room %d took nothing of %q", room, src)
		}
		dec, err := decodeLiteral(body)
		if err != nil || !bytes.Equal(dec, src[:took]) || len(body) > room {
			t.Fatalf("%q → %q (%v), took %d", src, body, err, took)
		}
	})
}
