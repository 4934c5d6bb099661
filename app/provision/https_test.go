package provision

import (
	"context"
	"net/http"
	"testing"
	"time"

	"qpyhub/cloud/hubclient/proxytest"
	"qpyhub/cloud/hubsim"
	"qpyhub/cloud/registry"
)

// The PC's own calls (here the registry's) go through the plan's proxy
// and trust the plan's CA.
func TestPCCallsGoThroughThePlansProxy(t *testing.T) {
	hub, err := hubsim.New(hubsim.Config{MQTTAddr: "127.0.0.1:0", HTTPAddr: "127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := hub.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer hub.Close()
	proxy := proxytest.Start("tech", "pr0xy", false)
	defer proxy.Close()
	p := newPipeline(Plan{CAPEM: hub.CAPEM(), Proxy: http.ProxyURL(proxy.URL("tech", "pr0xy"))})
	tr, err := p.httpTransport()
	if err != nil {
		t.Fatal(err)
	}
	if again, _ := p.httpTransport(); again != tr {
		t.Error("a second call built another transport")
	}
	c, err := registry.New(hub.PolicyConnectionString("registryReadWrite"),
		registry.Options{BaseURL: hub.HTTPURL(), HTTPClient: &http.Client{Transport: tr}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateDevice(ctx, "via-proxy"); err != nil {
		t.Fatalf("CreateDevice through the proxy: %v", err)
	}
	if tunnels := proxy.Tunnels(); len(tunnels) != 1 {
		t.Errorf("proxy tunnels %v, want one to the hub", tunnels)
	}
}
