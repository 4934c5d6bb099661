package applog

import (
	"context"
	"fmt"
	"log/slog"
)

// redactingHandler masks secrets in every message and attribute before
// the wrapped handler formats them, so no caller can leak a key by
// logging the wrong value.
type redactingHandler struct {
	next slog.Handler
}

// NewRedactingHandler wraps next so that whatever reaches it has passed
// through Redact, and attributes with secret names (password, key,
// token, secret, signature, sas) hold only Mask.
func NewRedactingHandler(next slog.Handler) slog.Handler {
	return redactingHandler{next: next}
}

func (h redactingHandler) Enabled(ctx context.Context, l slog.Level) bool {
	return h.next.Enabled(ctx, l)
}

func (h redactingHandler) Handle(ctx context.Context, r slog.Record) error {
	out := slog.NewRecord(r.Time, r.Level, Redact(r.Message), r.PC)
	r.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(redactAttr(a))
		return true
	})
	return h.next.Handle(ctx, out)
}

func (h redactingHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	clean := make([]slog.Attr, len(attrs))
	for i, a := range attrs {
		clean[i] = redactAttr(a)
	}
	return redactingHandler{next: h.next.WithAttrs(clean)}
}

func (h redactingHandler) WithGroup(name string) slog.Handler {
	return redactingHandler{next: h.next.WithGroup(Redact(name))}
}

// redactAttr masks one attribute, groups included. Values the handler
// would print through fmt or Error() become redacted strings first, as
// the text they turn into is only known then.
func redactAttr(a slog.Attr) slog.Attr {
	a.Value = a.Value.Resolve()
	if a.Value.Kind() == slog.KindGroup {
		group := a.Value.Group()
		clean := make([]slog.Attr, len(group))
		for i, g := range group {
			clean[i] = redactAttr(g)
		}
		return slog.Attr{Key: a.Key, Value: slog.GroupValue(clean...)}
	}
	if secretName(a.Key) {
		return slog.String(a.Key, Mask)
	}
	switch a.Value.Kind() {
	case slog.KindString:
		return slog.String(a.Key, Redact(a.Value.String()))
	case slog.KindAny:
		return slog.String(a.Key, Redact(anyText(a.Value.Any())))
	}
	return a
}

// anyText is the text a handler would print for v.
func anyText(v any) string {
	switch v := v.(type) {
	case nil:
		return "<nil>"
	case error:
		return v.Error()
	case fmt.Stringer:
		return v.String()
	case []byte:
		return string(v)
	}
	return fmt.Sprintf("%+v", v)
}
