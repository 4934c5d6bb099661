package registry

import (
	"net/http"
	"testing"

	"qpyhub/cloud/hubclient/proxytest"
)

// Options.Proxy carries the registry calls through a company proxy.
func TestRequestsThroughProxy(t *testing.T) {
	hub := startHub(t)
	proxy := proxytest.Start("tech", "pr0xy", false)
	defer proxy.Close()
	c, err := New(hub.PolicyConnectionString("registryReadWrite"), Options{BaseURL: hub.HTTPURL(),
		RootCAs: hubRoots(t, hub), Proxy: http.ProxyURL(proxy.URL("tech", "pr0xy"))})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateDevice(testContext(t), "via-proxy"); err != nil {
		t.Fatalf("CreateDevice through the proxy: %v", err)
	}
	if tunnels := proxy.Tunnels(); len(tunnels) != 1 {
		t.Errorf("proxy tunnels %v, want one to the hub", tunnels)
	}
}
