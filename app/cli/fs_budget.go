package cli

import (
	"context"
	"errors"
	"strings"
	"time"

	"fyne.io/fyne/v2/lang"
)

// An fs action may take fsBaseTimeout besides moving data, and the time
// its bytes take at fsFloorRate, the slowest transfer a module is
// expected to keep (a 9600 baud line, base64 on top). --timeout, when
// given, is the whole limit instead.
const (
	fsBaseTimeout = 2 * time.Minute
	fsFloorRate   = 1024 // bytes per second
)

// fsBudget is the time allowed to one fs action, and whether it ran out.
type fsBudget struct {
	parent context.Context // ends on Ctrl-C and the other signals
	start  time.Time
	given  time.Duration // --timeout; 0 when not given
	ctx    context.Context
}

// limit is the time allowed for an action that moves bytes.
func (b *fsBudget) limit(bytes int64) time.Duration {
	if b.given > 0 {
		return b.given
	}
	return fsBaseTimeout + time.Duration(bytes)*time.Second/fsFloorRate
}

// context answers the action's context once the bytes to move are known;
// its deadline counts from the start of the command.
func (b *fsBudget) context(bytes int64) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithDeadline(b.parent, b.start.Add(b.limit(bytes)))
	b.ctx = ctx
	return ctx, cancel
}

// explain words an action's error: stopped by a signal, out of time
// (naming --timeout), or else the cause's own phrase when it has one.
func (b *fsBudget) explain(err error) error {
	switch {
	case err == nil:
		return nil
	case b.parent.Err() != nil:
		return failed(lang.L("The file operation was cancelled"), err)
	case b.ctx != nil && errors.Is(b.ctx.Err(), context.DeadlineExceeded):
		deadline, _ := b.ctx.Deadline()
		limit := deadline.Sub(b.start)
		return failed(lang.L("The file operation did not finish within {{.Limit}}: give it more time with --timeout, for example --timeout {{.More}}",
			map[string]any{"Limit": shortDuration(limit), "More": shortDuration(2 * limit)}), err)
	}
	return failedUnlessKnown(lang.L("The file operation on the module failed"), err)
}

// shortDuration writes whole seconds without trailing zero units: "4m",
// "1h30m", "50s".
func shortDuration(d time.Duration) string {
	s := d.Round(time.Second).String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}
