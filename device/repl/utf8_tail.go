package repl

// splitUTF8 cuts b before a UTF-8 sequence that is still incomplete at
// its end, so a screen never receives half a Chinese character. Bytes
// that can never become valid UTF-8 are passed on as they are.
func splitUTF8(b []byte) (complete, rest []byte) {
	for back := 1; back <= 3 && back <= len(b); back++ {
		c := b[len(b)-back]
		if c&0xc0 == 0x80 {
			continue // continuation byte: look further back for the lead
		}
		need := 0
		switch {
		case c&0xe0 == 0xc0:
			need = 2
		case c&0xf0 == 0xe0:
			need = 3
		case c&0xf8 == 0xf0:
			need = 4
		}
		if need > back {
			return b[:len(b)-back], b[len(b)-back:]
		}
		return b, nil
	}
	return b, nil
}
