package provision

import (
	"crypto/x509"
	"encoding/pem"
	"strings"
	"testing"

	"qpyhub/assets"
)

// Without a local hub's CA the module gets the Azure roots the PC trusts
// (both of them); a plan CA replaces them.
func TestModuleCA(t *testing.T) {
	ca, err := moduleCA(Plan{})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	rest := []byte(ca)
	for {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil {
			break
		}
		c, err := x509.ParseCertificate(b.Bytes)
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, c.Subject.CommonName)
	}
	got := strings.Join(names, "; ")
	if got != "DigiCert Global Root G2; Microsoft RSA Root Certificate Authority 2017" {
		t.Fatalf("roots written to the module: %s", got)
	}
	pool, err := assets.RootCAs()
	if err != nil || !pool.AppendCertsFromPEM([]byte(ca)) {
		t.Fatal("the roots do not parse as the PC's pool does")
	}
	local := []byte("-----BEGIN CERTIFICATE-----\nlocal\n-----END CERTIFICATE-----\n")
	if ca, _ := moduleCA(Plan{CAPEM: local}); ca != string(local) {
		t.Fatalf("a plan CA did not replace the roots: %q", ca)
	}
}
