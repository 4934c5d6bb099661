package testpeer

import "bytes"

// Lose makes the module lose bytes once, as a firmware whose input
// buffer overflowed would: the Bytes bytes that follow the Nth After
// (the first when Nth is 0) to cross the wire never reach the REPL.
// Received still shows them.
type Lose struct {
	After string
	Nth   int
	Bytes int
}

// loser drops the bytes a Lose names from what reaches the module.
type loser struct {
	cfg  Lose
	tail []byte // the last bytes seen, for a marker split across reads
	seen int    // markers that crossed so far
	left int    // bytes still to drop; -1 before the marker came
}

func newLoser(cfg *Lose) *loser {
	if cfg == nil || cfg.After == "" || cfg.Bytes <= 0 {
		return nil
	}
	return &loser{cfg: *cfg, left: -1}
}

// filter answers b without the bytes the module loses.
func (l *loser) filter(b []byte) []byte {
	if l == nil || l.left == 0 {
		return b
	}
	if l.left < 0 {
		seen := append(l.tail, b...)
		i := bytes.Index(seen, []byte(l.cfg.After))
		if i < 0 {
			l.tail = append([]byte(nil), seen[max(0, len(seen)-len(l.cfg.After)+1):]...)
			return b
		}
		// The marker ends inside b, at start: what follows is lost, if
		// this is the marker that counts.
		start := i + len(l.cfg.After) - len(l.tail)
		l.tail = nil
		if l.seen++; l.seen < max(l.cfg.Nth, 1) {
			return append(append([]byte(nil), b[:start]...), l.filter(b[start:])...)
		}
		l.left = l.cfg.Bytes
		return append(append([]byte(nil), b[:start]...), l.filter(b[start:])...)
	}
	n := min(l.left, len(b))
	l.left -= n
	return b[n:]
}
