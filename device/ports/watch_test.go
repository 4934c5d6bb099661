package ports

import (
	"context"
	"errors"
	"testing"
	"time"
)

// listing is one answer of the fake list function.
type listing struct {
	ports []Port
	err   error
}

// fakeList answers with whatever the test sends next, so the test decides
// exactly which listing each poll sees.
func fakeList(ctx context.Context, answers <-chan listing) func() ([]Port, error) {
	return func() ([]Port, error) {
		select {
		case a := <-answers:
			return a.ports, a.err
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

func names(ps []Port) string {
	s := ""
	for _, p := range ps {
		s += p.Name + ";"
	}
	return s
}

func TestWatchEmitsOnlyChanges(t *testing.T) {
	a := []Port{{Name: "/dev/ttyUSB2", VID: QuectelVID, PID: 0x6001, Interface: 5, Role: RoleREPL}}
	b := append([]Port{{Name: "/dev/ttyS0", Interface: -1, Role: RoleUnknown}}, a...)
	// Each step: what the next polls answer, then the emission expected
	// after them. A poll equal to the last emission must not emit, so the
	// next emission proves it was skipped.
	steps := []struct {
		name    string
		answers []listing
		want    string
	}{
		{"first list is sent", []listing{{ports: a}}, names(a)},
		{"unchanged and failed polls are skipped", []listing{{ports: a}, {err: errors.New("busy")}, {ports: a}, {ports: b}}, names(b)},
		{"unplug is sent", []listing{{ports: nil}}, ""},
		{"plug is sent", []listing{{ports: nil}, {ports: a}}, names(a)},
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	answers := make(chan listing)
	out := Watch(ctx, fakeList(ctx, answers), time.Millisecond)
	for _, st := range steps {
		for _, ans := range st.answers {
			select {
			case answers <- ans:
			case got := <-out:
				t.Fatalf("%s: unexpected emission %q", st.name, names(got))
			case <-ctx.Done():
				t.Fatalf("%s: watcher stopped polling", st.name)
			}
		}
		select {
		case got := <-out:
			if names(got) != st.want {
				t.Fatalf("%s: emitted %q, want %q", st.name, names(got), st.want)
			}
		case <-ctx.Done():
			t.Fatalf("%s: no emission", st.name)
		}
	}
	cancel()
	for range out {
		// drain until the watcher closes the channel
	}
}

func TestWatchClosesOnCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	out := Watch(ctx, func() ([]Port, error) { return nil, errors.New("no ports") }, time.Millisecond)
	cancel()
	deadline, stop := context.WithTimeout(context.Background(), 10*time.Second)
	defer stop()
	select {
	case _, open := <-out:
		if open {
			t.Fatal("watcher emitted although every listing failed")
		}
	case <-deadline.Done():
		t.Fatal("channel not closed after cancel")
	}
}
