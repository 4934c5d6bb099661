package blobstore

import (
	"encoding/base64"
	"net"
	"net/url"
	"strings"

	"qpyhub/cloud"
)

// ConnStringEnv names the environment variable a storage connection
// string may come from instead of a flag.
const ConnStringEnv = "QPYHUB_STORAGE_CONNECTION_STRING"

// Reasons a *cloud.FieldError of a connection string carries. Its Field
// is "storage connection string", never the value.
const (
	ReasonNotStorage  = "is not a storage account connection string: copy it from the account's Access keys (AccountName=…;AccountKey=…)"
	ReasonNoKey       = "has no AccountKey: SAS URLs are signed with the account key; copy a connection string from Access keys"
	ReasonBadKey      = "has an AccountKey that is not base64: copy the connection string again"
	ReasonBadEndpoint = "has a BlobEndpoint that is not an https:// URL (http only on this computer, for Azurite)"
)

// account is what a connection string says: the blob service's address
// and the key that signs for it.
type account struct {
	name     string
	key      string // base64; never printed
	endpoint *url.URL
}

// azuriteAccount is the emulator's well-known development account, what
// UseDevelopmentStorage=true means (Microsoft publishes this key).
const (
	azuriteName = "devstoreaccount1"
	azuriteKey  = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
)

// parseConnString reads "DefaultEndpointsProtocol=https;AccountName=…;
// AccountKey=…;EndpointSuffix=core.windows.net" (or with BlobEndpoint=…).
func parseConnString(s string) (account, error) {
	fields := map[string]string{}
	for _, seg := range strings.Split(strings.Trim(strings.TrimSpace(s), `"`), ";") {
		name, value, ok := strings.Cut(strings.TrimSpace(seg), "=")
		if ok {
			fields[strings.ToLower(name)] = strings.TrimSpace(value)
		}
	}
	fail := func(reason string) (account, error) {
		return account{}, &cloud.FieldError{Field: "storage connection string", Reason: reason}
	}
	if strings.EqualFold(fields["usedevelopmentstorage"], "true") {
		fields["accountname"], fields["accountkey"] = azuriteName, azuriteKey
		if fields["blobendpoint"] == "" {
			fields["blobendpoint"] = "http://127.0.0.1:10000/" + azuriteName
		}
	}
	a := account{name: fields["accountname"], key: fields["accountkey"]}
	if a.name == "" {
		return fail(ReasonNotStorage)
	}
	if a.key == "" {
		return fail(ReasonNoKey)
	}
	if _, err := base64.StdEncoding.DecodeString(a.key); err != nil {
		return fail(ReasonBadKey)
	}
	endpoint := fields["blobendpoint"]
	if endpoint == "" {
		scheme, suffix := fields["defaultendpointsprotocol"], fields["endpointsuffix"]
		if scheme == "" {
			scheme = "https"
		}
		if suffix == "" {
			suffix = "core.windows.net"
		}
		endpoint = scheme + "://" + a.name + ".blob." + suffix
	}
	u, err := url.Parse(strings.TrimSuffix(endpoint, "/"))
	if err != nil || u.Host == "" || !(u.Scheme == "https" || u.Scheme == "http" && isLoopback(u.Hostname())) {
		return fail(ReasonBadEndpoint)
	}
	a.endpoint = u
	return a, nil
}

// isLoopback says whether a host is this computer.
func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
