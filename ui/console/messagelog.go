package console

import (
	"strings"
	"time"

	"qpyhub/app/settings"
)

// EntryKind sorts the console's messages for the kind filter.
type EntryKind uint8

// Entry kinds; KindAll is only a filter value.
const (
	KindAll EntryKind = iota
	KindC2D
	KindTwin
	KindMethod
	KindConnection
	KindSent
)

// entryKindNames are the kinds as the export writes them.
var entryKindNames = [...]string{"all", "c2d", "twin", "method", "connection", "sent"}

func (k EntryKind) String() string {
	if int(k) < len(entryKindNames) {
		return entryKindNames[k]
	}
	return "unknown"
}

// EntryProp is one row of a message's properties table.
type EntryProp struct{ Name, Value string }

// LogEntry is one line of the console's message log. It never holds a key
// or token: it is built from session events and from what the user sent.
type LogEntry struct {
	Seq        uint64
	Time       time.Time
	Kind       EntryKind
	Title      string // what happened: an English phrase when FixedTitle, else a name
	FixedTitle bool   // Title is a constant phrase, translated when shown
	Topic      string
	Props      []EntryProp
	Payload    []byte
	Truncated  int    // payload bytes not kept
	search     string // lower-case text the filter searches
}

// Size is roughly the memory an entry holds, for the ring's byte budget.
func (e *LogEntry) Size() int {
	n := 160 + len(e.Title) + len(e.Topic) + len(e.Payload) + len(e.search)
	for _, p := range e.Props {
		n += 32 + len(p.Name) + len(p.Value)
	}
	return n
}

// Defaults and limits of the message log.
const (
	maxPayloadKept   = 64 << 10 // IoT Hub's own C2D limit
	maxLogBytes      = 256 << 20
	maxSearchPayload = 1024 // payload bytes the text filter looks at
)

// MessageLog keeps the last Capacity entries in a ring and the sequence
// numbers of those that pass the filter, so the list shows a filtered view
// without copying entries. Not safe for concurrent use: the console
// touches it only on the UI goroutine.
type MessageLog struct {
	ring     []*LogEntry // circular; ring[(start+i)%cap] is the i-th oldest
	start    int
	count    int
	bytes    int
	nextSeq  uint64
	maxBytes int

	view      []*LogEntry // entries passing the filter, oldest first
	viewStart int         // view[:viewStart] is garbage awaiting compaction
	kind      EntryKind
	text      string // lower-case filter text
}

// newMessageLog makes a log that keeps capacity entries.
func newMessageLog(capacity int) *MessageLog {
	l := &MessageLog{nextSeq: 1, maxBytes: maxLogBytes}
	l.SetCapacity(capacity)
	return l
}

// Capacity is how many entries the log keeps.
func (l *MessageLog) Capacity() int { return len(l.ring) }

// SetCapacity changes how many entries are kept, dropping the oldest.
func (l *MessageLog) SetCapacity(n int) {
	n = min(max(n, 1), settings.MaxConsoleCapacity)
	keep := l.entries()
	if len(keep) > n {
		keep = keep[len(keep)-n:]
	}
	l.ring = make([]*LogEntry, n)
	l.start, l.count, l.bytes = 0, 0, 0
	for _, e := range keep {
		l.ring[l.count] = e
		l.count++
		l.bytes += e.Size()
	}
	l.refilter()
}

// Len is how many entries are kept.
func (l *MessageLog) Len() int { return l.count }

// Add appends entries (numbering them) and returns how many entries left
// the front of the filtered view, so a scrolled list can keep its place.
func (l *MessageLog) Add(entries ...*LogEntry) (droppedFromView int) {
	for _, e := range entries {
		e.Seq = l.nextSeq
		l.nextSeq++
		for l.count == len(l.ring) || (l.count > 0 && l.bytes+e.Size() > l.maxBytes) {
			droppedFromView += l.dropOldest()
		}
		l.ring[(l.start+l.count)%len(l.ring)] = e
		l.count++
		l.bytes += e.Size()
		if l.matches(e) {
			l.view = append(l.view, e)
		}
	}
	l.compactView()
	return droppedFromView
}

// dropOldest removes the oldest entry; it reports 1 when it was in view.
func (l *MessageLog) dropOldest() int {
	e := l.ring[l.start]
	l.ring[l.start] = nil
	l.start = (l.start + 1) % len(l.ring)
	l.count--
	l.bytes -= e.Size()
	if l.viewStart < len(l.view) && l.view[l.viewStart] == e {
		l.view[l.viewStart] = nil
		l.viewStart++
		return 1
	}
	return 0
}

// compactView reclaims the dropped head of the view once it is half of it.
func (l *MessageLog) compactView() {
	if l.viewStart > 0 && l.viewStart >= len(l.view)/2 {
		n := copy(l.view, l.view[l.viewStart:])
		clear(l.view[n:])
		l.view = l.view[:n]
		l.viewStart = 0
	}
}

// Clear drops every entry.
func (l *MessageLog) Clear() {
	clear(l.ring)
	l.start, l.count, l.bytes = 0, 0, 0
	l.view, l.viewStart = nil, 0
}

// SetFilter shows only entries of kind (KindAll for every kind) whose text
// contains text, ignoring case.
func (l *MessageLog) SetFilter(kind EntryKind, text string) {
	l.kind, l.text = kind, strings.ToLower(strings.TrimSpace(text))
	l.refilter()
}

func (l *MessageLog) refilter() {
	l.view, l.viewStart = l.view[:0], 0
	for i := range l.count {
		if e := l.ring[(l.start+i)%len(l.ring)]; l.matches(e) {
			l.view = append(l.view, e)
		}
	}
}

func (l *MessageLog) matches(e *LogEntry) bool {
	if l.kind != KindAll && e.Kind != l.kind {
		return false
	}
	return l.text == "" || strings.Contains(e.search, l.text)
}

// ViewLen is how many entries pass the filter.
func (l *MessageLog) ViewLen() int { return len(l.view) - l.viewStart }

// ViewAt is the i-th entry passing the filter, oldest first.
func (l *MessageLog) ViewAt(i int) *LogEntry {
	if i < 0 || i >= l.ViewLen() {
		return nil
	}
	return l.view[l.viewStart+i]
}

// ViewIndex finds an entry of the view by sequence number, or -1.
func (l *MessageLog) ViewIndex(seq uint64) int {
	v := l.view[l.viewStart:]
	lo, hi := 0, len(v)
	for lo < hi {
		mid := (lo + hi) / 2
		if v[mid].Seq < seq {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	if lo < len(v) && v[lo].Seq == seq {
		return lo
	}
	return -1
}

// Visible returns the entries passing the filter, oldest first.
func (l *MessageLog) Visible() []*LogEntry {
	return append([]*LogEntry(nil), l.view[l.viewStart:]...)
}

// entries returns every kept entry, oldest first.
func (l *MessageLog) entries() []*LogEntry {
	out := make([]*LogEntry, 0, l.count)
	for i := range l.count {
		out = append(out, l.ring[(l.start+i)%len(l.ring)])
	}
	return out
}
