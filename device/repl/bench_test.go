package repl

import (
	"context"
	"testing"

	"qpyhub/device/testpeer"
)

// BenchmarkExecRoundTrip measures one small Exec against the peer
// (raw-paste on, the usual case on current firmware).
func BenchmarkExecRoundTrip(b *testing.B) {
	for _, mode := range []string{testpeer.RawPasteOn, testpeer.RawPasteUnsupported} {
		b.Run(mode, func(b *testing.B) {
			ctx := context.Background()
			p, err := testpeer.Start(ctx, testpeer.Options{RawPaste: mode})
			if err != nil {
				b.Fatal(err)
			}
			defer p.Close()
			s, err := Open(ctx, p.Path(), Options{})
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			if err := s.Sync(ctx); err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				res, err := s.Exec(ctx, "print(1 + 1)")
				if err != nil || res.Stdout != "2\n" {
					b.Fatalf("%q %v", res.Stdout, err)
				}
			}
		})
	}
}
