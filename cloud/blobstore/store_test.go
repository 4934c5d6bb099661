package blobstore

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"qpyhub/cloud/blobstore/blobtest"
)

func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// send makes one plain HTTP request, as a module would with the URL.
func send(t *testing.T, method, u string, body []byte) (int, []byte) {
	t.Helper()
	req, err := http.NewRequestWithContext(testContext(t), method, u, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if method == http.MethodPut {
		req.Header.Set("x-ms-blob-type", "BlockBlob")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, b
}

func newStore(t *testing.T, connString string, opts Options) *Store {
	t.Helper()
	s, err := New(connString, opts)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestUploadThenReadWithTheSASURL(t *testing.T) {
	az := blobtest.Start(t)
	s := newStore(t, az.ConnectionString, Options{})
	data := []byte("print('version 2')\n")
	u, err := s.Upload(testContext(t), "2.0/lib/app util.py", data, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	parsed, err := url.Parse(u)
	if err != nil {
		t.Fatal(err)
	}
	q := parsed.Query()
	if q.Get("sp") != "r" || q.Get("se") == "" || q.Get("sig") == "" || strings.Contains(u, az.AccountKey) {
		t.Fatalf("SAS URL %s: want sp=r, an expiry, a signature and no key", u)
	}
	if !strings.HasPrefix(u, az.Endpoint+"/"+DefaultContainer+"/2.0/lib/app%20util.py?") {
		t.Fatalf("URL %s is not the blob's address in %s", u, DefaultContainer)
	}
	status, got := send(t, http.MethodGet, u, nil)
	if status != http.StatusOK || !bytes.Equal(got, data) {
		t.Fatalf("GET with the SAS URL: %d %q, want 200 and the bytes", status, got)
	}
	// The URL reads, and only reads.
	if status, body := send(t, http.MethodPut, u, []byte("print('evil')\n")); status != http.StatusForbidden {
		t.Fatalf("PUT with the read-only SAS URL: %d %s, want 403", status, body)
	}
	if _, got := send(t, http.MethodGet, u, nil); !bytes.Equal(got, data) {
		t.Fatalf("the blob changed after a refused PUT: %q", got)
	}
	// Without the SAS, the private container does not answer.
	if status, _ := send(t, http.MethodGet, strings.Split(u, "?")[0], nil); status == http.StatusOK {
		t.Fatal("the blob is readable without a SAS: the container is public")
	}
}

func TestExpiredSASIsRefused(t *testing.T) {
	az := blobtest.Start(t)
	past := func() time.Time { return time.Now().Add(-2 * time.Hour) }
	s := newStore(t, az.ConnectionString, Options{Container: "expiry-test", Now: past})
	u, err := s.Upload(testContext(t), "1/app.py", []byte("x"), time.Hour) // expired an hour ago
	if err != nil {
		t.Fatal(err)
	}
	if status, body := send(t, http.MethodGet, u, nil); status != http.StatusForbidden {
		t.Fatalf("GET with an expired SAS: %d %s, want 403", status, body)
	}
	fresh := newStore(t, az.ConnectionString, Options{Container: "expiry-test"})
	u, err = fresh.ReadURL("1/app.py", time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if status, _ := send(t, http.MethodGet, u, nil); status != http.StatusOK {
		t.Fatalf("GET with a fresh SAS for the same blob: %d, want 200", status)
	}
}

func TestAWrongKeyNeverShows(t *testing.T) {
	az := blobtest.Start(t)
	other := make([]byte, 64)
	_, _ = rand.Read(other)
	wrongKey := base64.StdEncoding.EncodeToString(other)
	cs := strings.Replace(az.ConnectionString, az.AccountKey, wrongKey, 1)
	_, err := newStore(t, cs, Options{}).Upload(testContext(t), "1/app.py", []byte("x"), time.Hour)
	if !errors.Is(err, ErrKeyRefused) {
		t.Fatalf("upload with a wrong key: %v, want ErrKeyRefused", err)
	}
	for _, key := range []string{wrongKey, az.AccountKey} {
		if strings.Contains(err.Error(), key) || strings.Contains(err.Error(), url.QueryEscape(key)) {
			t.Fatalf("the error shows a key: %v", err)
		}
	}
}

func TestParseConnString(t *testing.T) {
	const key = "c2VjcmV0LWtleS1vZi10aGUtYWNjb3VudA=="
	tests := []struct {
		cs, endpoint, fault string
	}{
		{"DefaultEndpointsProtocol=https;AccountName=acme;AccountKey=" + key + ";EndpointSuffix=core.windows.net", "https://acme.blob.core.windows.net", ""},
		{"AccountName=acme;AccountKey=" + key, "https://acme.blob.core.windows.net", ""},
		{"AccountName=acme;AccountKey=" + key + ";EndpointSuffix=core.chinacloudapi.cn", "https://acme.blob.core.chinacloudapi.cn", ""},
		{"UseDevelopmentStorage=true", "http://127.0.0.1:10000/devstoreaccount1", ""},
		{"AccountName=acme;AccountKey=" + key + ";BlobEndpoint=http://127.0.0.1:10000/acme/", "http://127.0.0.1:10000/acme", ""},
		{"AccountName=acme;AccountKey=" + key + ";BlobEndpoint=http://blob.example.com/acme", "", ReasonBadEndpoint},
		{"DefaultEndpointsProtocol=http;AccountName=acme;AccountKey=" + key, "", ReasonBadEndpoint},
		{"HostName=hub.azure-devices.net;SharedAccessKeyName=iothubowner;SharedAccessKey=" + key, "", ReasonNotStorage},
		{"AccountName=acme", "", ReasonNoKey},
		{"AccountName=acme;AccountKey=not*base64" + key, "", ReasonBadKey},
	}
	for _, tc := range tests {
		a, err := parseConnString(tc.cs)
		switch {
		case tc.fault != "" && (err == nil || !strings.Contains(err.Error(), tc.fault)):
			t.Errorf("%s: %v, want %q", tc.cs, err, tc.fault)
		case tc.fault != "" && strings.Contains(err.Error(), key):
			t.Errorf("%s: the error shows the key: %v", tc.cs, err)
		case tc.fault == "" && err != nil:
			t.Errorf("%s: %v", tc.cs, err)
		case tc.fault == "" && a.endpoint.String() != tc.endpoint:
			t.Errorf("%s: endpoint %s, want %s", tc.cs, a.endpoint, tc.endpoint)
		}
	}
}

func TestContainerNames(t *testing.T) {
	for name, ok := range map[string]bool{"qpyhub-ota": true, "abc": true, "ab": false, "Upper": false, "a--b": false, "-ab": false, "ab-": false, "a_b": false} {
		if err := checkContainerName(name); (err == nil) != ok {
			t.Errorf("container %q: %v, want ok=%v", name, err, ok)
		}
	}
}
