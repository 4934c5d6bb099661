// Package assets holds the files compiled into the binary: the app icon,
// the TLS roots that Azure IoT Hub chains to, translations, fonts and the
// programs written onto modules. It imports nothing of the project.
package assets

import (
	"crypto/x509"
	"embed"
	"fmt"
)

// Translations holds one JSON file per area and language, named
// "<area>.<lang>.json" (for example "ui.zh_Hans.json"), in the go-i18n
// format that fyne.io/fyne/v2/lang reads.
//
//go:embed translations
var Translations embed.FS

//go:embed roots
var roots embed.FS

// RootsPEM returns the roots of RootCAs as one PEM text, for a module's
// configuration.
func RootsPEM() ([]byte, error) {
	entries, err := roots.ReadDir("roots")
	if err != nil {
		return nil, err
	}
	var out []byte
	for _, e := range entries {
		pem, err := roots.ReadFile("roots/" + e.Name())
		if err != nil {
			return nil, err
		}
		out = append(out, pem...)
		if len(out) > 0 && out[len(out)-1] != '\n' {
			out = append(out, '\n')
		}
	}
	return out, nil
}

// RootCAs returns the certificate pool a device session verifies IoT Hub
// and DPS against: DigiCert Global Root G2 and Microsoft RSA Root CA 2017,
// the set Microsoft recommends for devices.
func RootCAs() (*x509.CertPool, error) {
	pool := x509.NewCertPool()
	entries, err := roots.ReadDir("roots")
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		pem, err := roots.ReadFile("roots/" + e.Name())
		if err != nil {
			return nil, err
		}
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("assets: %s holds no certificate", e.Name())
		}
	}
	return pool, nil
}
