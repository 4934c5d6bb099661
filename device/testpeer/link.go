package testpeer

import "time"

// linePace holds bytes back to a serial line's rate: each byte takes
// its time on the wire, and an idle line gains no credit, as on a UART.
type linePace struct {
	bytesPerSec int
	next        time.Time // when the line is free again
}

// linePiece is how many bytes the paced copy hands on at once: a byte is
// late by about a millisecond at 115200 baud.
const linePiece = 16

// lineSlack is how far the copy may fall behind the line's clock and
// catch up: a sleep oversleeps, and without it every late wake-up would
// slow the line down. A UART's FIFO gives the same small burst.
const lineSlack = 4 * time.Millisecond

// wait blocks until n more bytes have crossed the line.
func (l *linePace) wait(n int) {
	now := time.Now()
	if l.next.Before(now.Add(-lineSlack)) {
		l.next = now
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
