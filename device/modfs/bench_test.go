package modfs

import (
	"bytes"
	"context"
	"io"
	"testing"

	"qpyhub/device/repl"
	"qpyhub/device/testpeer"
)

func benchFS(b *testing.B, rawPaste string) (*FS, func()) {
	ctx := context.Background()
	p, err := testpeer.Start(ctx, testpeer.Options{RawPaste: rawPaste})
	if err != nil {
		b.Fatal(err)
	}
	s, err := repl.Open(ctx, p.Path(), repl.Options{})
	if err != nil {
		p.Close()
		b.Fatal(err)
	}
	return New(s, Options{}), func() { s.Close(); p.Close() }
}

// BenchmarkPut measures upload throughput of a 100 KiB binary file, sent
// again each time (Force).
func BenchmarkPut(b *testing.B) {
	for _, mode := range []string{testpeer.RawPasteOn, testpeer.RawPasteUnsupported} {
		b.Run(mode, func(b *testing.B) {
			fs, done := benchFS(b, mode)
			defer done()
			data := pattern(100*1024, true)
			b.SetBytes(int64(len(data)))
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				_, err := fs.PutFile(context.Background(), "/usr/bench.bin", bytes.NewReader(data), int64(len(data)), PutOptions{Force: true})
				if err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkGet measures download throughput of a 100 KiB binary file.
func BenchmarkGet(b *testing.B) {
	fs, done := benchFS(b, testpeer.RawPasteOn)
	defer done()
	ctx := context.Background()
	data := pattern(100*1024, true)
	if err := fs.Put(ctx, "/usr/bench.bin", bytes.NewReader(data), int64(len(data)), nil); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := fs.Get(ctx, "/usr/bench.bin", io.Discard, nil); err != nil {
			b.Fatal(err)
		}
	}
}
