package hubsim

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"time"
)

const (
	// caLifetime is long because modules keep the CA for as long as they
	// are set up against this hub; the server certificate is reissued at
	// every start.
	caLifetime     = 10 * 365 * 24 * time.Hour
	serverLifetime = 365 * 24 * time.Hour
)

// caKey is the hub's certificate authority: its certificate and the key
// that signs server certificates.
type caKey struct {
	cert *x509.Certificate
	key  crypto.Signer
}

// certAuthority is what the listeners serve: the CA certificate clients
// must trust and the server certificate it signed.
type certAuthority struct {
	caPEM  []byte
	server tls.Certificate
}

// generateCA makes a new CA.
func generateCA(now time.Time) (*caKey, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("hubsim: generate CA key: %w", err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          randomSerial(),
		Subject:               pkix.Name{CommonName: "qpyhub local hub CA", Organization: []string{"qpyhub"}},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(caLifetime),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLenZero:        true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, fmt.Errorf("hubsim: sign CA certificate: %w", err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("hubsim: read back CA certificate: %w", err)
	}
	return &caKey{cert: cert, key: key}, nil
}

// parseCA reads a CA kept in the registry file and checks that its
// certificate is a CA and its key belongs to it.
func parseCA(kept storedCA) (*caKey, error) {
	certBlock, _ := pem.Decode([]byte(kept.Certificate))
	if certBlock == nil || certBlock.Type != "CERTIFICATE" {
		return nil, errors.New("the certificate is not PEM")
	}
	cert, err := x509.ParseCertificate(certBlock.Bytes)
	if err != nil {
		return nil, fmt.Errorf("the certificate does not parse: %w", err)
	}
	if !cert.IsCA {
		return nil, errors.New("the certificate is not a CA")
	}
	keyBlock, _ := pem.Decode([]byte(kept.PrivateKey))
	if keyBlock == nil {
		return nil, errors.New("the private key is not PEM")
	}
	parsed, err := x509.ParsePKCS8PrivateKey(keyBlock.Bytes)
	if err != nil {
		return nil, fmt.Errorf("the private key does not parse: %w", err)
	}
	key, ok := parsed.(crypto.Signer)
	if !ok {
		return nil, errors.New("the private key cannot sign")
	}
	pub, ok := key.Public().(interface{ Equal(crypto.PublicKey) bool })
	if !ok || !pub.Equal(cert.PublicKey) {
		return nil, errors.New("the private key does not belong to the certificate")
	}
	return &caKey{cert: cert, key: key}, nil
}

// stored encodes the CA for the registry file.
func (c *caKey) stored() (storedCA, error) {
	der, err := x509.MarshalPKCS8PrivateKey(c.key)
	if err != nil {
		return storedCA{}, fmt.Errorf("hubsim: encode CA key: %w", err)
	}
	return storedCA{
		Certificate: string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.cert.Raw})),
		PrivateKey:  string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})),
	}, nil
}

// authority issues a server certificate valid for localhost, the loopback
// addresses and hostName, never outliving the CA.
func (c *caKey) authority(hostName string, now time.Time) (*certAuthority, error) {
	srvKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("hubsim: generate server key: %w", err)
	}
	notAfter := now.Add(serverLifetime)
	if notAfter.After(c.cert.NotAfter) {
		notAfter = c.cert.NotAfter
	}
	tmpl := &x509.Certificate{
		SerialNumber: randomSerial(),
		Subject:      pkix.Name{CommonName: hostName},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     notAfter,
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		DNSNames:     []string{"localhost"},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
	}
	if ip := net.ParseIP(hostName); ip != nil {
		tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
	} else if hostName != "localhost" {
		tmpl.DNSNames = append(tmpl.DNSNames, hostName)
	}
	srvDER, err := x509.CreateCertificate(rand.Reader, tmpl, c.cert, &srvKey.PublicKey, c.key)
	if err != nil {
		return nil, fmt.Errorf("hubsim: sign server certificate: %w", err)
	}
	return &certAuthority{
		caPEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.cert.Raw}),
		server: tls.Certificate{
			Certificate: [][]byte{srvDER, c.cert.Raw},
			PrivateKey:  srvKey,
		},
	}, nil
}

// serverTLS is the TLS configuration of every listener: TLS 1.2 or newer,
// like IoT Hub.
func (ca *certAuthority) serverTLS() *tls.Config {
	return &tls.Config{
		MinVersion:   tls.VersionTLS12,
		Certificates: []tls.Certificate{ca.server},
	}
}

func randomSerial() *big.Int {
	n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 120))
	if err != nil {
		// crypto/rand does not fail on supported platforms; a fixed serial
		// would still give a working, if less tidy, certificate.
		return big.NewInt(time.Now().UnixNano())
	}
	return n
}
