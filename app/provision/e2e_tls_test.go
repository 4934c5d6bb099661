//go:build linux

package provision

import (
	"encoding/json"
	"strings"
	"testing"

	"qpyhub/assets"
	"qpyhub/device/testpeer"
)

// azureLikeHost is a hub name as Azure gives them; the peer resolves it
// to the local hub on loopback.
const azureLikeHost = "tray-line.azure-devices.net"

// moduleCAOf reads the ca the setup wrote into the module's config.
func moduleCAOf(t *testing.T, port string) string {
	t.Helper()
	var cfg struct{ CA string }
	if err := json.Unmarshal(moduleFiles(t, port)["qpyhub_config.json"], &cfg); err != nil {
		t.Fatal(err)
	}
	return cfg.CA
}

func azureRoots(t *testing.T) string {
	t.Helper()
	roots, err := assets.RootsPEM()
	if err != nil {
		t.Fatal(err)
	}
	return string(roots)
}

// Toward an Azure host name with no CA of a local hub, the setup writes
// the Azure roots the PC trusts into the module's config. A v1.12-style
// module cannot take them: it connects without checking, and the result
// says tls=unverified with the module's reason.
func TestSetupTowardAzureNameWritesRoots(t *testing.T) {
	hub := startHubNamed(t, azureLikeHost)
	if _, err := hub.AddDevice("line-1"); err != nil {
		t.Fatal(err)
	}
	cs, _ := hub.DeviceConnectionString("line-1")
	peer := startPeer(t, testpeer.Options{Scenario: map[string]any{"old_firmware": true,
		"net_hosts": map[string]string{azureLikeHost: "127.0.0.1"}}})
	plan := Plan{Mode: IdentityDevice, ConnectionString: cs, Server: hub.MQTTAddr()}
	res, log := runOne(t, plan, peer.Path())
	if ca := moduleCAOf(t, peer.Path()); ca != azureRoots(t) {
		t.Fatalf("the module's ca is not the Azure roots:\n%s", ca)
	}
	if res.Result != ResultOnline || res.Confirmed != ConfirmedModule || res.TLS != TLSUnverified || res.TLSReason == "" {
		t.Fatalf("result %+v\n%s", res, log.text())
	}
}

// A module whose ussl takes a CA checks the server against the roots in
// its config: a server they do not cover is refused, and the setup's
// error names the certificate.
func TestSetupNewerFirmwareRefusesServerOutsideRoots(t *testing.T) {
	hub := startHubNamed(t, azureLikeHost)
	if _, err := hub.AddDevice("line-2"); err != nil {
		t.Fatal(err)
	}
	cs, _ := hub.DeviceConnectionString("line-2")
	peer := startPeer(t, testpeer.Options{Scenario: map[string]any{"ssl_ca_supported": true,
		"net_hosts": map[string]string{azureLikeHost: "127.0.0.1"}}})
	plan := Plan{Mode: IdentityDevice, ConnectionString: cs, Server: hub.MQTTAddr()}
	res, log := runOne(t, plan, peer.Path())
	if ca := moduleCAOf(t, peer.Path()); ca != azureRoots(t) {
		t.Fatalf("the module's ca is not the Azure roots:\n%s", ca)
	}
	if res.Result != ResultFailed || res.Stage != StageVerify || res.Error != PhraseModuleCertificate ||
		!strings.Contains(res.Detail, "certificate") || res.Advice != AdviceModuleCertificate {
		t.Fatalf("result %+v\n%s", res, log.text())
	}
	if hub.Connected("line-2") {
		t.Fatal("the hub has the module connected over a server it should have refused")
	}
}

// Against the local hub with its CA: a v1.12-style module completes
// with tls=unverified and says why; a module whose ussl takes the CA
// completes with tls=verified. The JSON result carries both fields.
func TestSetupLocalHubTLSByFirmware(t *testing.T) {
	hub := startHub(t)
	for _, tc := range []struct {
		name     string
		scenario map[string]any
		tls      string
	}{
		{"v1.12 firmware", map[string]any{"old_firmware": true, "imei": "866327040000301"}, TLSUnverified},
		{"ussl takes ca=", map[string]any{"ssl_ca_supported": true, "imei": "866327040000302"}, TLSVerified},
	} {
		t.Run(tc.name, func(t *testing.T) {
			peer := startPeer(t, testpeer.Options{Scenario: tc.scenario})
			plan := localPlan(hub, Plan{Mode: IdentityRegistry, HubConnectionString: hub.PolicyConnectionString("iothubowner")})
			res, log := runOne(t, plan, peer.Path())
			if res.Result != ResultOnline || res.Confirmed != ConfirmedCloud || res.TLS != tc.tls ||
				(tc.tls == TLSUnverified) != (res.TLSReason != "") {
				t.Fatalf("result %+v\n%s", res, log.text())
			}
			if ca := moduleCAOf(t, peer.Path()); ca != string(hub.CAPEM()) {
				t.Fatal("the local hub's CA did not replace the roots in the module's config")
			}
			var doc map[string]any
			b, _ := json.Marshal(res)
			if err := json.Unmarshal(b, &doc); err != nil || doc["tls"] != tc.tls || doc["confirmed"] != ConfirmedCloud || doc["result"] != "online" {
				t.Fatalf("JSON %s", b)
			}
		})
	}
}
