package console

import (
	"runtime"
	"testing"

	"qpyhub/app/settings"

	"qpyhub/cloud/hubclient"
)

// benchEvents is a mix like a busy console: mostly C2D messages with a
// small JSON payload, some twin patches and method calls.
func benchEvents(n int) []hubclient.Event {
	evs := make([]hubclient.Event, n)
	for i := range evs {
		switch i % 10 {
		case 8:
			evs[i] = &hubclient.DesiredPatch{Version: i, Patch: []byte(`{"interval":30}`)}
		case 9:
			evs[i] = &hubclient.MethodCall{Name: "reboot", RID: "1", Payload: []byte(`{"delay":5}`)}
		default:
			evs[i] = c2dEvent(i, `{"temperature":21.5,"humidity":40,"status":"ok"}`)
		}
	}
	return evs
}

// BenchmarkConsolePipeline runs the path every message takes: the pump
// turns the event into an entry, a flush hands a batch over (every 1000
// messages, as ten flushes a second would at 10 000 messages a second),
// and the log adds it to the ring and the filtered view.
func BenchmarkConsolePipeline(b *testing.B) {
	log := newMessageLog(settings.DefaultConsoleCapacity)
	log.SetFilter(KindAll, "temperature")
	p := &eventPump{limit: settings.DefaultConsoleCapacity}
	p.post = func(f func()) { f() }
	p.apply = func(batch eventBatch) { log.Add(batch.entries...) }
	evs := benchEvents(4096)
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		p.take(evs[i%len(evs)])
		if i%1000 == 999 {
			p.flush(false)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msg/s")
	if log.Len() == 0 && b.N >= 1000 {
		b.Fatal("nothing reached the log")
	}
}

// BenchmarkMessageLogHeld reports the heap a full log of
// settings.DefaultConsoleCapacity typical messages holds.
func BenchmarkMessageLogHeld(b *testing.B) {
	evs := benchEvents(settings.DefaultConsoleCapacity)
	var held uint64
	for range b.N {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		log := newMessageLog(settings.DefaultConsoleCapacity)
		for _, ev := range evs {
			log.Add(entryFromEvent(ev))
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		held = after.HeapAlloc - before.HeapAlloc
		runtime.KeepAlive(log)
	}
	b.ReportMetric(float64(held), "heldB")
	b.ReportMetric(float64(held)/settings.DefaultConsoleCapacity, "B/msg")
}

// BenchmarkFilterChange is the cost of typing one character in the filter
// with a full log.
func BenchmarkFilterChange(b *testing.B) {
	log := newMessageLog(settings.DefaultConsoleCapacity)
	for _, ev := range benchEvents(settings.DefaultConsoleCapacity) {
		log.Add(entryFromEvent(ev))
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		if i%2 == 0 {
			log.SetFilter(KindC2D, "humid")
		} else {
			log.SetFilter(KindAll, "")
		}
	}
}
