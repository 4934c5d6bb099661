package testpeer

import "time"

// linePace holds bytes back to a serial line's rate: a byte goes out
// when the line is free and not before it came, and takes its time on
// the wire. An idle line gains no credit, and a late wake-up does not
// slow the line down: the schedule, not the clock at waking, says when
// the next byte goes.
type linePace struct {
	bytesPerSec int
	next        time.Time // when the line is free again
}

// linePiece is how many bytes the paced copy hands on at once: a byte is
// late by about a millisecond at 115200 baud.
const linePiece = 16

// wait blocks until n more bytes that came at arrival have crossed the
// line.
func (l *linePace) wait(n int, arrival time.Time) {
	if l.next.Before(arrival) {
		l.next = arrival
	}
	l.next = l.next.Add(time.Duration(n) * time.Second / time.Duration(l.bytesPerSec))
	time.Sleep(time.Until(l.next))
}

// pieces splits b for a paced line, or answers it whole on a full-speed
// one.
func (l *linePace) pieces(b []byte) [][]byte {
	if l == nil {
		return [][]byte{b}
	}
	var out [][]byte
	for len(b) > 0 {
		n := min(len(b), linePiece)
		out = append(out, b[:n])
		b = b[n:]
	}
	return out
}
