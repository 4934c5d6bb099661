package hubsim

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"crypto/tls"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// randomBytes returns n bytes no compression or cache could guess.
func randomBytes(t testing.TB, n int) []byte {
	t.Helper()
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return b
}

// getFile fetches a hosted file with Go's HTTPS client and the hub's CA.
func getFile(t testing.TB, s *Server, path string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequestWithContext(waitCtx(t), http.MethodGet, s.HTTPURL()+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	hc := &http.Client{Transport: &http.Transport{TLSClientConfig: clientTLS(t, s)}}
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, body
}

func TestHostedFileRoundTrip(t *testing.T) {
	s := startHub(t, Config{})
	data := randomBytes(t, 300<<10)
	digest := digestOf(data)
	auth := policyToken(t, s, "registryReadWrite", time.Now().Add(time.Hour))
	if status, body := call(t, s, "PUT", "/files/"+digest, auth, data, nil); status != http.StatusCreated {
		t.Fatalf("first PUT: %d %s, want 201", status, body)
	}
	if status, body := call(t, s, "PUT", "/files/"+digest, auth, data, nil); status != http.StatusOK {
		t.Fatalf("second PUT: %d %s, want 200", status, body)
	}
	resp, got := getFile(t, s, "/files/"+digest)
	if resp.StatusCode != http.StatusOK || !bytes.Equal(got, data) {
		t.Fatalf("GET: %d, %d bytes (equal %v), want 200 and the %d bytes put", resp.StatusCode, len(got), bytes.Equal(got, data), len(data))
	}
	if resp.ContentLength != int64(len(data)) {
		t.Errorf("Content-Length %d, want %d", resp.ContentLength, len(data))
	}
	if etag := resp.Header.Get("ETag"); etag != `"`+digest+`"` {
		t.Errorf("ETag %s, want the digest", etag)
	}
}

func TestHostedFileRefusals(t *testing.T) {
	s := startHub(t, Config{})
	hour := time.Now().Add(time.Hour)
	data := []byte("print('v2')\n")
	digest := digestOf(data)
	writer := policyToken(t, s, "registryReadWrite", hour)
	tests := []struct {
		name, path, auth string
		body             []byte
		want             int
	}{
		{"no Authorization", "/files/" + digest, "", data, 401},
		{"policy without registry write", "/files/" + digest, policyToken(t, s, "registryRead", hour), data, 401},
		{"service policy", "/files/" + digest, policyToken(t, s, "service", hour), data, 401},
		{"expired token", "/files/" + digest, policyToken(t, s, "registryReadWrite", time.Now().Add(-time.Minute)), data, 401},
		{"body differs from the digest", "/files/" + digest, writer, []byte("print('v3')\n"), 400},
		{"path is not a digest", "/files/app.py", writer, data, 400},
		{"upper-case digest", "/files/" + strings.ToUpper(digest), writer, data, 400},
		{"over the size cap", "/files/" + digestOf(make([]byte, MaxHostedFile+1)), writer, make([]byte, MaxHostedFile+1), 413},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			status, body := call(t, s, "PUT", tc.path, tc.auth, tc.body, nil)
			if status != tc.want {
				t.Fatalf("PUT: %d %s, want %d", status, body, tc.want)
			}
		})
	}
	if resp, _ := getFile(t, s, "/files/"+digest); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("GET after refused PUTs: %d, want 404 (nothing was kept)", resp.StatusCode)
	}
	if status, body := call(t, s, "PUT", "/files/"+digestOf(make([]byte, MaxHostedFile)), writer, make([]byte, MaxHostedFile), nil); status != http.StatusCreated {
		t.Fatalf("PUT of exactly the cap: %d %s, want 201", status, body)
	}
}

// TestHostedFileOverHTTP10 fetches as a module does: HTTP/1.0 over TLS
// by hand, reading until the hub closes the connection.
func TestHostedFileOverHTTP10(t *testing.T) {
	s := startHub(t, Config{})
	data := randomBytes(t, 200<<10) // far more than one write buffer
	url, err := s.HostFile(data)
	if err != nil {
		t.Fatal(err)
	}
	addr := strings.TrimPrefix(s.HTTPURL(), "https://")
	conn, err := tls.Dial("tcp", addr, clientTLS(t, s))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if err := conn.SetDeadline(time.Now().Add(waitLimit)); err != nil {
		t.Fatal(err)
	}
	path := strings.TrimPrefix(url, s.HTTPURL())
	if _, err := io.WriteString(conn, "GET "+path+" HTTP/1.0\r\nHost: "+addr+"\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	all, err := io.ReadAll(conn) // ends only when the hub closes
	if err != nil {
		t.Fatalf("reading the answer: %v", err)
	}
	head, body, ok := bytes.Cut(all, []byte("\r\n\r\n"))
	if !ok {
		t.Fatalf("no header end in %q", all[:min(len(all), 200)])
	}
	lines := strings.Split(string(head), "\r\n")
	if lines[0] != "HTTP/1.0 200 OK" {
		t.Fatalf("status line %q, want HTTP/1.0 200 OK", lines[0])
	}
	length := ""
	for _, l := range lines[1:] {
		if k, v, _ := strings.Cut(l, ":"); strings.EqualFold(k, "Content-Length") {
			length = strings.TrimSpace(v)
		}
		if strings.HasPrefix(strings.ToLower(l), "transfer-encoding") {
			t.Errorf("an HTTP/1.0 answer with %q", l)
		}
	}
	if length != strconv.Itoa(len(data)) {
		t.Errorf("Content-Length %q, want %d", length, len(data))
	}
	if !bytes.Equal(body, data) {
		t.Fatalf("body of %d bytes differs from the %d hosted", len(body), len(data))
	}
}

func TestHostedFilesSurviveARestart(t *testing.T) {
	regFile := filepath.Join(t.TempDir(), "hub.json")
	data := randomBytes(t, 10<<10)
	first := startHub(t, Config{RegistryFile: regFile})
	url, err := first.HostFile(data)
	if err != nil {
		t.Fatal(err)
	}
	first.Close()
	// A copy altered on disk is dropped, not served.
	bad := []byte("altered")
	if err := os.WriteFile(filepath.Join(filesDir(regFile), digestOf([]byte("original"))), bad, 0o600); err != nil {
		t.Fatal(err)
	}
	second := startHub(t, Config{RegistryFile: regFile})
	resp, got := getFile(t, second, strings.TrimPrefix(url, first.HTTPURL()))
	if resp.StatusCode != http.StatusOK || !bytes.Equal(got, data) {
		t.Fatalf("after a restart: %d, %d bytes, want 200 and the file", resp.StatusCode, len(got))
	}
	if resp, _ := getFile(t, second, "/files/"+digestOf([]byte("original"))); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("an altered copy was served: %d, want 404", resp.StatusCode)
	}
}

func TestHostedFilesKeepTheNewestWithinTheLimit(t *testing.T) {
	for _, dir := range []string{"", t.TempDir()} {
		clock := time.Unix(1_700_000_000, 0)
		st, err := newFileStore(dir, func() time.Time { clock = clock.Add(time.Second); return clock })
		if err != nil {
			t.Fatal(err)
		}
		st.limit = 30
		a, b, c := []byte("aaaaaaaaaa"), []byte("bbbbbbbbbb"), []byte("cccccccccc")
		for _, f := range [][]byte{a, b, c} {
			if _, err := st.put(digestOf(f), f); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := st.put(digestOf(a), a); err != nil { // a is fresh again
			t.Fatal(err)
		}
		d := []byte("dddddddddd")
		if _, err := st.put(digestOf(d), d); err != nil {
			t.Fatal(err)
		}
		for _, f := range [][]byte{a, c, d} {
			content, _, _, ok := st.open(digestOf(f))
			if !ok {
				t.Fatalf("dir %q: %s went, want it kept", dir, f)
			}
			got, _ := io.ReadAll(bufio.NewReader(content))
			content.Close()
			if !bytes.Equal(got, f) {
				t.Fatalf("dir %q: read %q, want %q", dir, got, f)
			}
		}
		if _, _, _, ok := st.open(digestOf(b)); ok || st.total != 30 {
			t.Fatalf("dir %q: the oldest file kept (%v) or total %d, want it gone and 30", dir, ok, st.total)
		}
	}
}
