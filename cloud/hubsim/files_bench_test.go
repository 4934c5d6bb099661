package hubsim

import (
	"bytes"
	"crypto/sha256"
	"crypto/tls"
	"encoding/hex"
	"fmt"
	"io"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// benchBundle is an application of 200 KiB in four files, the size the
// README's figure is for.
var benchBundle = []int{100 << 10, 60 << 10, 30 << 10, 10 << 10}

// BenchmarkHostedBundleToTwentyModules measures one round: 20 modules at
// once each fetch every file of a 200 KiB bundle from the local hub as the
// module library does (a new TLS connection and an HTTP/1.0 GET per file,
// read to the end, size and SHA-256 checked). ns/op is the round's time;
// heap-growth-B is how much the heap in use grew over the rounds (hub and
// clients share this process), B/op what a round allocated.
func BenchmarkHostedBundleToTwentyModules(b *testing.B) {
	const modules = 20
	s := startHub(b, Config{})
	var paths, digests []string
	for i, n := range benchBundle {
		data := bytes.Repeat([]byte{byte('a' + i)}, n)
		u, err := s.HostFile(data)
		if err != nil {
			b.Fatal(err)
		}
		paths = append(paths, strings.TrimPrefix(u, s.HTTPURL()))
		digests = append(digests, digestOf(data))
	}
	addr := strings.TrimPrefix(s.HTTPURL(), "https://")
	cfg := clientTLS(b, s)
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		var wg sync.WaitGroup
		errs := make(chan error, modules)
		for range modules {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i, p := range paths {
					if err := fetchLikeAModule(addr, p, cfg, benchBundle[i], digests[i]); err != nil {
						errs <- err
						return
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(int64(after.HeapInuse)-int64(before.HeapInuse)), "heap-growth-B")
	b.ReportMetric(float64(modules*len(paths)), "downloads/op")
}

// fetchLikeAModule is one download as assets/module's library makes it.
func fetchLikeAModule(addr, path string, cfg *tls.Config, size int, digest string) error {
	conn, err := tls.Dial("tcp", addr, cfg)
	if err != nil {
		return err
	}
	defer conn.Close()
	if err := conn.SetDeadline(time.Now().Add(waitLimit)); err != nil {
		return err
	}
	if _, err := io.WriteString(conn, "GET "+path+" HTTP/1.0\r\nHost: "+addr+"\r\n\r\n"); err != nil {
		return err
	}
	all, err := io.ReadAll(conn)
	if err != nil {
		return err
	}
	head, body, ok := bytes.Cut(all, []byte("\r\n\r\n"))
	if !ok || !bytes.HasPrefix(head, []byte("HTTP/1.0 200")) || !bytes.Contains(head, []byte("Content-Length: "+strconv.Itoa(size))) {
		return fmt.Errorf("GET %s: answer %q", path, head)
	}
	sum := sha256.Sum256(body)
	if len(body) != size || hex.EncodeToString(sum[:]) != digest {
		return fmt.Errorf("GET %s: %d bytes that do not match", path, len(body))
	}
	return nil
}
