package ports

import (
	"context"
	"slices"
	"time"
)

// Watch calls list every period and sends the ports when they differ from
// the last list sent (the first list is always sent), so a plugged or
// unplugged module shows up by itself. A failed listing is skipped. The
// channel closes when ctx ends.
func Watch(ctx context.Context, list func() ([]Port, error), every time.Duration) <-chan []Port {
	out := make(chan []Port)
	go func() {
		defer close(out)
		t := time.NewTicker(every)
		defer t.Stop()
		var last []Port
		sent := false
		for {
			if ps, err := list(); err == nil && (!sent || !samePorts(last, ps)) {
				select {
				case out <- ps:
					last, sent = slices.Clone(ps), true
				case <-ctx.Done():
					return
				}
			}
			select {
			case <-t.C:
			case <-ctx.Done():
				return
			}
		}
	}()
	return out
}

func samePorts(a, b []Port) bool {
	return slices.Equal(a, b)
}
