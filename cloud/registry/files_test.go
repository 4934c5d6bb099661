package registry

import (
	"bytes"
	"crypto/sha256"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestPutFileHostsOnTheLocalHub(t *testing.T) {
	hub := startHub(t)
	c := newClient(t, hub, "registryReadWrite")
	data := bytes.Repeat([]byte("print('v2')\n"), 1000)
	url, err := c.PutFile(testContext(t), data)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(data)
	if want := hub.HTTPURL() + "/files/" + hex.EncodeToString(sum[:]); url != want {
		t.Fatalf("url %s, want %s", url, want)
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.TLSClientConfig = &tls.Config{RootCAs: hubRoots(t, hub), MinVersion: tls.VersionTLS12}
	resp, err := (&http.Client{Transport: tr}).Get(url) // no credentials: a module has none
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	got, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK || !bytes.Equal(got, data) {
		t.Fatalf("GET %s: %d, %d bytes, %v", url, resp.StatusCode, len(got), err)
	}
}

func TestPutFileNeedsRegistryWrite(t *testing.T) {
	hub := startHub(t)
	_, err := newClient(t, hub, "registryRead").PutFile(testContext(t), []byte("x"))
	if !errors.Is(err, ErrNoRights) {
		t.Fatalf("PutFile with registryRead: %v, want ErrNoRights", err)
	}
}

// TestPutFileOnAHubWithoutHosting stands in for IoT Hub, which has no
// /files and answers 404 with its error body.
func TestPutFileOnAHubWithoutHosting(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusNotFound)
		_, _ = io.WriteString(w, `{"Message":"ErrorCode:ResourceNotFound;The requested resource does not exist.","ExceptionMessage":""}`)
	}))
	defer srv.Close()
	const key = "c2VjcmV0LXBvbGljeS1rZXktZm9yLXRoZS10ZXN0cw=="
	c, err := New("HostName=example.azure-devices.net;SharedAccessKeyName=iothubowner;SharedAccessKey="+key,
		Options{BaseURL: srv.URL, HTTPClient: srv.Client()})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.PutFile(testContext(t), []byte("x"))
	if !errors.Is(err, ErrNoFileHosting) {
		t.Fatalf("PutFile on a hub without hosting: %v, want ErrNoFileHosting", err)
	}
	if strings.Contains(err.Error(), key) || strings.Contains(err.Error(), "sig=") {
		t.Fatalf("the error shows the key or a signature: %v", err)
	}
}
