package provision

import (
	"crypto/tls"
	"net/http"

	"qpyhub/assets"
)

// httpTransport is the HTTPS transport of the batch's own calls from the
// PC (the registry, the cloud-side check): it trusts the plan's CA or the
// embedded roots and goes through the plan's proxy. Built once per batch,
// so the modules of a tray share its connections.
func (p *pipeline) httpTransport() (*http.Transport, error) {
	p.httpsOnce.Do(func() {
		roots := p.rootCAs()
		if roots == nil {
			if roots, p.httpsErr = assets.RootCAs(); p.httpsErr != nil {
				return
			}
		}
		tr := http.DefaultTransport.(*http.Transport).Clone()
		tr.TLSClientConfig = &tls.Config{MinVersion: tls.VersionTLS12, RootCAs: roots}
		if p.plan.Proxy != nil {
			tr.Proxy = p.plan.Proxy
		}
		p.https = tr
	})
	return p.https, p.httpsErr
}
