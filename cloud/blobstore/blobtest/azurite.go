// Package blobtest runs Azurite, Microsoft's storage emulator (npm package
// azurite, installed with the MicroPython test peer), for tests that need
// a real Blob service on this computer.
package blobtest

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"testing"
	"time"
)

// NodeDirEnv overrides where the npm install is, as for the test peer.
const NodeDirEnv = "QPYHUB_TESTPEER_NODE_DIR"

// startLimit bounds Azurite's start; it takes about a second.
const startLimit = 60 * time.Second

const entry = "node_modules/azurite/dist/src/blob/main.js"

// Azurite is one running emulator with an account of its own.
type Azurite struct {
	Endpoint         string // http://127.0.0.1:N/<account>
	AccountName      string
	AccountKey       string // random per start, so a test can look for it in output
	ConnectionString string
}

// Start runs Azurite's Blob service on a free loopback port with its data
// in a temporary folder, and stops it when the test ends. Without the npm
// install the test fails (it never skips) with the command that installs it.
func Start(t testing.TB) *Azurite {
	t.Helper()
	node, main := findAzurite(t)
	keyBytes := make([]byte, 64)
	nameBytes := make([]byte, 4)
	_, _ = rand.Read(keyBytes)
	_, _ = rand.Read(nameBytes)
	a := &Azurite{AccountName: "qpyhub" + hex.EncodeToString(nameBytes), AccountKey: base64.StdEncoding.EncodeToString(keyBytes)}
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, node, main, "--blobHost", "127.0.0.1", "--blobPort", "0", "--location", dir,
		"--disableTelemetry", "--skipApiVersionCheck", "--loose")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "AZURITE_ACCOUNTS="+a.AccountName+":"+a.AccountKey)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = cmd.Stdout
	if err := cmd.Start(); err != nil {
		cancel()
		t.Fatalf("start Azurite: %v", err)
	}
	exited := make(chan struct{})
	base := make(chan string, 1)
	go func() {
		watchOutput(out, base)
		_ = cmd.Wait()
		close(exited)
	}()
	t.Cleanup(func() {
		cancel()
		<-exited
	})
	select {
	case u := <-base:
		a.Endpoint = u + "/" + a.AccountName
	case <-exited:
		t.Fatal("Azurite exited before it listened (is Node.js 20 or newer installed?)")
	case <-time.After(startLimit):
		t.Fatalf("Azurite did not listen within %v", startLimit)
	}
	a.ConnectionString = "DefaultEndpointsProtocol=http;AccountName=" + a.AccountName + ";AccountKey=" + a.AccountKey +
		";BlobEndpoint=" + a.Endpoint + ";"
	return a
}

// listening is Azurite's line once its port is open.
var listening = regexp.MustCompile(`listens on (http://127\.0\.0\.1:\d+)`)

// watchOutput hands over the address Azurite listens on, then drains
// its output until it exits.
func watchOutput(r io.Reader, base chan<- string) {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		if m := listening.FindStringSubmatch(sc.Text()); m != nil {
			select {
			case base <- m[1]:
			default:
			}
		}
	}
	_, _ = io.Copy(io.Discard, r)
}

// findAzurite finds node and Azurite's Blob entry point, or fails the
// test with what to install.
func findAzurite(t testing.TB) (node, main string) {
	t.Helper()
	dir := os.Getenv(NodeDirEnv)
	if dir == "" {
		_, self, _, ok := runtime.Caller(0)
		if !ok {
			t.Fatal("cannot tell where the npm install is: set " + NodeDirEnv)
		}
		dir = filepath.Join(filepath.Dir(self), "..", "..", "..", "device", "testpeer", "node")
	}
	main = filepath.Join(dir, filepath.FromSlash(entry))
	if _, err := os.Stat(main); err != nil {
		t.Fatalf("Azurite is not installed in %s: run `npm ci --prefix device/testpeer/node` (needs Node.js 20 or newer)", dir)
	}
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatal("node is not on PATH; install Node.js 20 or newer")
	}
	return node, main
}
